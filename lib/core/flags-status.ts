import type { ServedFlagsSource } from './served-flags';

/** Whether change notifications reach this instance (see `FlagsStatus.notifications`). @publicApi */
export type ChangeNotifications = 'live' | 'down' | 'off';

/**
 * What an instance serves and how its store answers: for health checks and dashboards.
 * @publicApi
 */
export interface FlagsStatus {
  source: ServedFlagsSource;
  /** The store revision served; 0 when not serving the store's flags. */
  revision: number;
  checksum: string;
  /** When the served flags were loaded. */
  loadedAt: Date;
  /** Whether the last read of the store succeeded. */
  storeReachable: boolean;
  /**
   * When the store last answered (null before it ever did): how fresh the served flags are
   * known to be. During an outage the flags are served unchanged, aging from this instant.
   */
  lastCheckedAt: Date | null;
  /**
   * How this instance hears of changes other instances receive: `live` while its change
   * notifications (PostgreSQL LISTEN, or Redis) reach it and the store is polled only as a safety
   * net; `down` while they are interrupted and the store is polled every `pollIntervalMs`; `off`
   * where there are none and polling is how changes arrive.
   */
  notifications: ChangeNotifications;
  /** True while serving anything but the store's flags, or while the store does not answer. */
  degraded: boolean;
  /** Why the last read failed, when it did. */
  lastError?: string;
}
