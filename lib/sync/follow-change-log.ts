import type { ServedFlags } from '../core/served-flags';
import { parseFlagChanges } from '../evaluation';
import type { ChangeRecord, StoreState } from '../ports/flag-store';

/**
 * The snapshot at `state`, built from the one served and the change log entries after it; or
 * undefined when only a full load can tell: a shared evaluator or the metadata changed (every
 * flag may depend on them), or the log was cut at `limit` entries.
 * @internal
 */
export function followChangeLog(
  current: ServedFlags,
  state: StoreState,
  records: readonly ChangeRecord[],
  limit: number,
  at = new Date(),
): { snapshot: ServedFlags; changedKeys: string[] } | undefined {
  if (records.length >= limit) return undefined;
  const upserts = new Map<string, unknown>();
  const removed = new Set<string>();
  for (const record of records) {
    // Entries committed after `state` was read wait for the next refresh.
    if (record.revision > state.revision) break;
    if (record.kind !== 'flag') return undefined;
    if (record.after === null) {
      upserts.delete(record.key);
      removed.add(record.key);
      continue;
    }
    removed.delete(record.key);
    try {
      upserts.set(record.key, JSON.parse(record.after));
    } catch {
      // Loaded as a flag that evaluates to PARSE_ERROR, as a full load would.
      upserts.set(record.key, record.after);
    }
  }
  // fromEntries defines own properties, so no key can reach a prototype.
  const flagSet = parseFlagChanges(current.flagSet, Object.fromEntries(upserts), [...removed]);
  if (flagSet === undefined) return undefined;
  return {
    snapshot: {
      flagSet,
      source: 'store',
      revision: state.revision,
      checksum: state.checksum,
      loadedAt: at,
    },
    changedKeys: [...upserts.keys(), ...removed],
  };
}
