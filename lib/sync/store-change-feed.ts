import type { FlagStore } from '../ports/flag-store';
import type { ChangeFeed, ChangeFeedListener } from './change-feed';

/**
 * The store's own announcements (`FlagStore.watch`: PostgreSQL's LISTEN/NOTIFY), sent inside
 * the transaction that commits a change, so there is nothing to announce after it.
 * @internal
 */
export class StoreChangeFeed implements ChangeFeed {
  readonly name = 'the store (LISTEN/NOTIFY)';
  private unwatch?: () => Promise<void>;

  constructor(private readonly store: FlagStore) {}

  start(listener: ChangeFeedListener): void {
    this.unwatch = this.store.watch(
      () => listener.changed(),
      (error) => listener.down(error),
      () => listener.up(),
    );
  }

  async announce(): Promise<void> {}

  async stop(): Promise<void> {
    await this.unwatch?.();
  }
}
