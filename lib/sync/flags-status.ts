import type { SnapshotSource } from '../cache/flag-snapshot';

/**
 * What an instance serves and how its store answers: for health checks and dashboards.
 * @publicApi
 */
export interface FlagsStatus {
  source: SnapshotSource;
  /** The store revision served; 0 when not serving the store's flags. */
  revision: number;
  checksum: string;
  /** When the served flags were loaded. */
  loadedAt: Date;
  /** Whether the last read of the store succeeded. */
  storeReachable: boolean;
  /** Why the last read failed, when it did. */
  lastError?: string;
}
