import { parseFlagSet } from '../evaluation';
import type { FlagSnapshot } from './served-flags';

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

/** A new snapshot served, and which flags it may evaluate differently. @publicApi */
export interface SnapshotChange {
  previous: FlagSnapshot;
  current: FlagSnapshot;
  /** Flags added, removed or changed (all of both snapshots' when that cannot be narrowed). */
  changedKeys: string[];
}

/**
 * Holds the snapshot this instance serves. Swapping is one reference assignment, so an
 * evaluation sees the old snapshot or the new one, never half of a change; and a store snapshot
 * older than the one served is refused, so an instance never goes back in time.
 * @internal
 */
export class FlagCache {
  private current: FlagSnapshot = emptySnapshot();
  private readonly listeners = new Set<(change: SnapshotChange) => void>();

  get snapshot(): FlagSnapshot {
    return this.current;
  }

  /**
   * Serves `next` unless it is an older store revision; returns whether it was taken.
   * @param changedKeys the flags the change touched, when known; otherwise every flag counts
   */
  swap(next: FlagSnapshot, changedKeys?: readonly string[]): boolean {
    const previous = this.current;
    if (previous.source === 'store') {
      if (next.source !== 'store' || next.revision < previous.revision) return false;
    }
    this.current = next;
    if (this.listeners.size > 0) {
      const keys = changedKeys ?? [
        ...new Set([...previous.flagSet.keys(), ...next.flagSet.keys()]),
      ];
      const change = { previous, current: next, changedKeys: [...keys] };
      for (const listener of this.listeners) {
        try {
          listener(change);
        } catch {
          // A listener's failure is its own: serving the new snapshot does not depend on it.
        }
      }
    }
    return true;
  }

  /** Calls `listener` after every snapshot swap; returns what unsubscribes it. */
  subscribe(listener: (change: SnapshotChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
