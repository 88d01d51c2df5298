/** What a change feed tells the instance. @internal */
export interface ChangeFeedListener {
  /**
   * Another instance committed a change: `revision` when the feed carries it (an instance
   * already serving it need not read the store), otherwise the store should be read.
   */
  changed(revision?: number): void;
  /** Announcements (re)started: one may have been missed before, so the store should be read. */
  up(): void;
  /** Announcements were interrupted; the feed tries again by itself. */
  down(error: Error): void;
}

/**
 * How instances hear of each other's changes without reading the store: PostgreSQL's
 * LISTEN/NOTIFY, or a Redis channel. A feed is only a wake-up call: what changed is always read
 * from the store, so a lost, late or forged announcement costs a read, never a wrong flag.
 * @internal
 */
export interface ChangeFeed {
  /** What carries the announcements, for the log ("Redis"). */
  readonly name: string;
  /** Where on it, when the instances must agree on it (a Redis channel), for the log. */
  readonly channel?: string;
  start(listener: ChangeFeedListener): void;
  /** Tells the other instances that this one committed `revision`; rejects when it could not. */
  announce(revision: number): Promise<void>;
  stop(): Promise<void>;
}

/** The feed the refresher follows; null when changes are only polled. @internal */
export const CHANGE_FEED = 'FLAGS:CHANGE_FEED';
