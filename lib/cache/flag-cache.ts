import { parseFlagSet } from '../evaluation';
import type { FlagSnapshot } from './flag-snapshot';

const EMPTY = parseFlagSet({ flags: {} });

/** A snapshot with no flags: every evaluation serves the code default. @internal */
export function emptySnapshot(): FlagSnapshot {
  if (!EMPTY.ok) throw new Error('unreachable: the empty flag set is valid');
  return {
    flagSet: EMPTY.flagSet,
    source: 'none',
    revision: 0,
    checksum: '',
    loadedAt: new Date(),
  };
}

/**
 * Holds the snapshot this instance serves. Swapping is one reference assignment, so an
 * evaluation sees the old snapshot or the new one, never half of a change; and a store snapshot
 * older than the one served is refused, so an instance never goes back in time.
 * @internal
 */
export class FlagCache {
  private current: FlagSnapshot = emptySnapshot();

  get snapshot(): FlagSnapshot {
    return this.current;
  }

  /** Serves `next` unless it is an older store revision; returns whether it was taken. */
  swap(next: FlagSnapshot): boolean {
    const current = this.current;
    if (current.source === 'store') {
      if (next.source !== 'store' || next.revision < current.revision) return false;
    }
    this.current = next;
    return true;
  }
}
