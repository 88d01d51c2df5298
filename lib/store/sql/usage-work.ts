import type { UsageCount } from '../../ports/usage-store';
import { byFlagDayVariant, mergeUsage } from '../usage-counts';
import type { SqlContext } from './sql-context';
import { batches, query, type Work } from './sql-work';
import { fromUtcText, toUtcText } from './utc-text';

const COLUMNS = ['flag_key', 'variant', 'day', 'count', 'last_evaluated_at'];
const KEY = ['flag_key', 'variant', 'day'];

/**
 * Rows per upsert: with keys of at most 255 characters a statement stays far below every
 * driver's parameter and packet limits, so only the row count needs a bound.
 */
const ROWS_PER_UPSERT = 100;

/**
 * {@link FlagStore.recordUsage} as one transaction: every count added, or none.
 *
 * Rows are merged (PostgreSQL refuses an upsert that meets one row twice) and written in primary
 * key order, the same in every instance, so concurrent flushes lock shared rows in one order
 * rather than each waiting for a row the other holds. MySQL can still deadlock on the gaps new
 * rows go into; the store runs a write again when the database aborted it for that.
 * @internal
 */
export function* recordUsageWork(
  { dialect, tables }: SqlContext,
  counts: UsageCount[],
): Work<void> {
  const rows = mergeUsage(counts);
  for (const batch of batches(rows, ROWS_PER_UPSERT, Number.POSITIVE_INFINITY, () => 0)) {
    yield* query(
      dialect.upsert(tables.usage, COLUMNS, KEY, batch.length, {
        count: (stored, incoming) => `${stored} + ${incoming}`,
        last_evaluated_at: (stored, incoming) => dialect.greatest(stored, incoming),
      }),
      batch.flatMap((row) => [
        row.flagKey,
        row.variant,
        row.day,
        row.count,
        toUtcText(row.lastEvaluatedAt),
      ]),
    );
  }
  return { value: undefined, commit: true };
}

/** The counts of `sinceDay` and later, by flag key, then day, then variant. @internal */
export function* usageWork({ dialect, tables }: SqlContext, sinceDay: string): Work<UsageCount[]> {
  const q = dialect.quote;
  const rows = yield* query(
    `SELECT ${q('flag_key')} AS k, ${q('variant')} AS v, ${q('day')} AS d, ${q('count')} AS n, ` +
      `${dialect.instantText(q('last_evaluated_at'))} AS last_at ` +
      `FROM ${tables.usage} WHERE ${q('day')} >= ?`,
    [sinceDay],
  );
  const counts = rows.map((row): UsageCount => ({
    flagKey: String(row.k),
    variant: String(row.v),
    day: String(row.d),
    // bigint: a string from pg, a string or a number from mysql2, a number from SQLite.
    count: Number(row.n),
    lastEvaluatedAt: fromUtcText(row.last_at),
  }));
  // Sorted here rather than by ORDER BY, whose order follows each database's collation.
  return { value: counts.sort(byFlagDayVariant), commit: true };
}

/** Every flag's latest evaluation over all stored days, by flag key. @internal */
export function* lastEvaluationsWork({
  dialect,
  tables,
}: SqlContext): Work<Array<{ flagKey: string; lastEvaluatedAt: Date }>> {
  const q = dialect.quote;
  const rows = yield* query(
    `SELECT ${q('flag_key')} AS k, ${dialect.instantText(`MAX(${q('last_evaluated_at')})`)} ` +
      `AS last_at FROM ${tables.usage} GROUP BY ${q('flag_key')}`,
  );
  const latest = rows
    .map((row) => ({ flagKey: String(row.k), lastEvaluatedAt: fromUtcText(row.last_at) }))
    .sort((a, b) => (a.flagKey < b.flagKey ? -1 : a.flagKey > b.flagKey ? 1 : 0));
  return { value: latest, commit: true };
}

/** Deletes the counts of days before `beforeDay` (an indexed range delete). @internal */
export function* forgetUsageWork({ dialect, tables }: SqlContext, beforeDay: string): Work<void> {
  yield* query(`DELETE FROM ${tables.usage} WHERE ${dialect.quote('day')} < ?`, [beforeDay]);
  return { value: undefined, commit: true };
}
