import type { FlagSet } from '../evaluation';

/**
 * Where the flags being served came from:
 * - `store`: the database, at `revision`;
 * - `bootstrap`: the bootstrap file, because the store could not be read in time;
 * - `none`: nothing yet; every evaluation serves the code default.
 * @publicApi
 */
export type SnapshotSource = 'store' | 'bootstrap' | 'none';

/**
 * The immutable set of flags one instance serves, at one revision. Replaced whole, never changed.
 * @publicApi
 */
export interface FlagSnapshot {
  readonly flagSet: FlagSet;
  readonly source: SnapshotSource;
  /** The store's revision; 0 unless `source` is `store`. */
  readonly revision: number;
  readonly checksum: string;
  readonly loadedAt: Date;
}
