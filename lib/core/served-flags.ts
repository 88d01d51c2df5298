import { type FlagSet, parseFlagSet } from '../evaluation';

/**
 * Where the flags being served came from:
 * - `store`: the database, at `revision`;
 * - `bootstrap`: the bootstrap file, because the store could not be read in time;
 * - `none`: nothing yet; every evaluation serves the code default.
 * @publicApi
 */
export type ServedFlagsSource = 'store' | 'bootstrap' | 'none';

/**
 * The flags one instance serves, at one revision: immutable, replaced whole, never changed.
 * @publicApi
 */
export interface ServedFlags {
  readonly flagSet: FlagSet;
  readonly source: ServedFlagsSource;
  /** The store's revision; 0 unless `source` is `store`. */
  readonly revision: number;
  readonly checksum: string;
  readonly loadedAt: Date;
}

/** Other flags served, and which of them may evaluate differently. @publicApi */
export interface ServedFlagsChange {
  previous: ServedFlags;
  current: ServedFlags;
  /** Flags added, removed or changed (every flag of both when that cannot be narrowed). */
  changedKeys: string[];
}

const EMPTY = parseFlagSet({ flags: {} });

/** No flags: every evaluation serves the code default. @internal */
export function noFlags(): ServedFlags {
  if (!EMPTY.ok) throw new Error('unreachable: the empty flag set is valid');
  return {
    flagSet: EMPTY.flagSet,
    source: 'none',
    revision: 0,
    checksum: '',
    loadedAt: new Date(),
  };
}
