import type { ChangeDecision, ChangeRecord, StoredDefinition } from '../ports/flag-store';

/** One definition (or the metadata) that a change really changes. @internal */
export interface ChangeEntry {
  kind: ChangeRecord['kind'];
  key: string;
  /** null when created. */
  before: string | null;
  /** null when deleted. */
  after: string | null;
}

const byKey = (a: ChangeEntry, b: ChangeEntry) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/**
 * The entries whose stored text changes, sorted by key (UTF-16 order, the same in every store):
 * an upsert of identical text and a delete of a missing key change nothing and are not logged.
 * @internal
 */
export function changeEntries(
  kind: 'flag' | 'evaluator',
  stored: ReadonlyMap<string, string>,
  upserts: StoredDefinition[],
  deletes: string[],
): ChangeEntry[] {
  const entries: ChangeEntry[] = [];
  for (const { key, definition } of upserts) {
    const before = stored.get(key);
    if (before !== definition)
      entries.push({ kind, key, before: before ?? null, after: definition });
  }
  for (const key of deletes) {
    const before = stored.get(key);
    if (before !== undefined) entries.push({ kind, key, before, after: null });
  }
  return entries.sort(byKey);
}

/** The metadata entry, when the change sets metadata to something new. @internal */
export function metadataEntry(
  stored: string | null,
  next: string | null | undefined,
): ChangeEntry[] {
  return next === undefined || next === stored
    ? []
    : [{ kind: 'metadata', key: '', before: stored, after: next }];
}

/** The outcome of an applied change: flag keys, then `$evaluators/<name>`. @internal */
export function appliedOutcome(entries: ChangeEntry[]): ChangeDecision {
  const changed = entries.flatMap((entry) =>
    entry.kind === 'flag'
      ? [entry.key]
      : entry.kind === 'evaluator'
        ? [`$evaluators/${entry.key}`]
        : [],
  );
  return { status: 'applied', changed };
}
