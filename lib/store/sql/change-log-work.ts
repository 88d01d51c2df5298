import type { SqlContext } from './sql-context';
import { query, type Work } from './sql-work';

/**
 * Change-log entries deleted per transaction: each batch holds its row locks for a moment, so a
 * purge of months of entries never holds a delivery up for long.
 */
const ENTRIES_PER_BATCH = 1_000;

/**
 * Deletes one batch of the change-log entries recorded before `before` (UTC text), oldest first,
 * along the `changed_at` index; its value says whether older entries remain. The order ends with
 * the id, so the same rows go whatever the plan (MySQL replicates a DELETE with LIMIT safely only
 * then).
 * @internal
 */
export function* forgetChangesWork({ dialect, tables }: SqlContext, before: string): Work<boolean> {
  const q = dialect.quote;
  const older = `${q('changed_at')} < ?`;
  yield* query(
    dialect.deleteFirst(tables.change, q('id'), older, `${q('changed_at')}, ${q('id')}`),
    [before, ENTRIES_PER_BATCH],
  );
  const left = yield* query(
    `SELECT ${q('id')} AS id FROM ${tables.change} WHERE ${older} LIMIT 1`,
    [before],
  );
  return { value: left.length > 0, commit: true };
}
