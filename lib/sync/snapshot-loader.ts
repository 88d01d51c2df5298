import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { FlagCache } from '../cache/flag-cache';
import { RESOLVED_FLAGS_OPTIONS } from '../flags.constants';
import type { ResolvedFlagsModuleOptions } from '../flags-module-options';
import { FlagStore } from '../store/flag-store';
import type { FlagSetDocument } from './flag-set-document';
import { flagSetFromStore } from './flag-set-from-store';
import type { FlagsStatus } from './flags-status';
import { planSnapshot } from './plan-snapshot';
import { readFlagFile } from './read-flag-file';

/**
 * Loads the store's flags into the cache at startup, holding the application back until they
 * are loaded or `loadTimeoutMs` has passed; then serves the bootstrap flags and keeps retrying
 * in the background. Logs once per change of state, never once per attempt.
 * @internal
 */
@Injectable()
export class SnapshotLoader implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('FlagsModule');
  private retryTimer?: NodeJS.Timeout;
  private stopped = false;
  private reachable = false;
  private lastError?: string;
  private seed?: FlagSetDocument;
  private markReady!: () => void;
  /** Settles when the store's flags are served for the first time. */
  readonly ready: Promise<void> = new Promise((resolve) => (this.markReady = resolve));

  constructor(
    @Inject(RESOLVED_FLAGS_OPTIONS) private readonly options: ResolvedFlagsModuleOptions,
    private readonly store: FlagStore,
    private readonly cache: FlagCache,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { bootstrap, seed, loadTimeoutMs } = this.options;
    const fallback = bootstrap === undefined ? undefined : readFlagFile('bootstrap', bootstrap);
    this.seed = seed === undefined ? undefined : readFlagFile('seed', seed).document;
    const loading = this.loadOnce();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), loadTimeoutMs);
    });
    const first = await Promise.race([loading, timedOut]);
    clearTimeout(timer);
    if (first === true) return;
    if (fallback !== undefined) {
      this.cache.swap({
        flagSet: fallback.flagSet,
        source: 'bootstrap',
        revision: 0,
        checksum: '',
        loadedAt: new Date(),
      });
      this.logger.warn(
        `Serving the ${fallback.flagSet.size} bootstrap flags until the store answers.`,
      );
    } else {
      this.logger.warn(
        'No flags loaded yet: evaluations serve their code defaults until the store answers.',
      );
    }
    if (first === false) this.scheduleRetry();
    else void loading.then((loaded) => loaded || this.scheduleRetry());
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
  }

  status(): FlagsStatus {
    const { source, revision, checksum, loadedAt } = this.cache.snapshot;
    return {
      source,
      revision,
      checksum,
      loadedAt,
      storeReachable: this.reachable,
      ...(this.lastError === undefined ? {} : { lastError: this.lastError }),
    };
  }

  /** Reads the store and serves its flags; false when the store could not be read. */
  async loadOnce(): Promise<boolean> {
    try {
      if (this.seed !== undefined) await this.seedEmptyStore(this.seed);
      const stored = await this.store.load();
      const taken = this.cache.swap({
        flagSet: flagSetFromStore(stored),
        source: 'store',
        revision: stored.revision,
        checksum: stored.checksum,
        loadedAt: new Date(),
      });
      this.recovered(stored.revision, taken);
      return true;
    } catch (error) {
      this.failed(error);
      return false;
    }
  }

  private async seedEmptyStore(seed: FlagSetDocument): Promise<void> {
    const current = await this.store.load();
    if (current.revision !== 0) {
      this.seed = undefined;
      return;
    }
    const outcome = await this.store.apply(
      planSnapshot(current, seed, 1, { actor: 'seed', at: new Date() }),
    );
    this.seed = undefined;
    if (outcome.status === 'applied') {
      this.logger.log(
        `Seeded the empty store with ${Object.keys(seed.flags).length} flags (revision 1).`,
      );
    }
  }

  private recovered(revision: number, taken: boolean): void {
    if (!this.reachable || this.lastError !== undefined) {
      this.logger.log(
        `Serving the store's flags, revision ${revision}${taken ? '' : ' (already newer)'}.`,
      );
    }
    this.reachable = true;
    this.lastError = undefined;
    this.markReady();
  }

  private failed(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    if (message !== this.lastError) {
      this.logger.error(`Cannot read the flags from the store: ${message}`);
    }
    this.reachable = false;
    this.lastError = message;
  }

  private scheduleRetry(): void {
    if (this.stopped) return;
    this.retryTimer = setTimeout(() => {
      void this.loadOnce().then((loaded) => loaded || this.scheduleRetry());
    }, this.options.retryIntervalMs);
    this.retryTimer.unref();
  }
}
