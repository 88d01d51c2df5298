import type { UsageCount } from '../ports/usage-store';

/** The identity of a usage row: flag key, variant and day. @internal */
export function usageKey({ flagKey, variant, day }: UsageCount): string {
  return JSON.stringify([flagKey, variant, day]);
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The order of {@link FlagStore.usage}: flag key, then day, then variant, by UTF-16 code units
 * (the same in every store, whatever a database's collation would say).
 * @internal
 */
export function byFlagDayVariant(a: UsageCount, b: UsageCount): number {
  return compare(a.flagKey, b.flagKey) || compare(a.day, b.day) || compare(a.variant, b.variant);
}

/** The later of two instants. @internal */
export function later(a: Date, b: Date): Date {
  return a.getTime() >= b.getTime() ? a : b;
}

/**
 * Counts of one flag, variant and day merged into one entry (added up, the later instant kept),
 * in primary-key order: flag key, variant, day.
 * @internal
 */
export function mergeUsage(counts: UsageCount[]): UsageCount[] {
  const merged = new Map<string, UsageCount>();
  for (const entry of counts) {
    const key = usageKey(entry);
    const seen = merged.get(key);
    merged.set(
      key,
      seen === undefined
        ? { ...entry }
        : {
            ...seen,
            count: seen.count + entry.count,
            lastEvaluatedAt: later(seen.lastEvaluatedAt, entry.lastEvaluatedAt),
          },
    );
  }
  return [...merged.values()].sort(
    (a, b) =>
      compare(a.flagKey, b.flagKey) || compare(a.variant, b.variant) || compare(a.day, b.day),
  );
}
