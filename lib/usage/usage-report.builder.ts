import type { FlagUsage, UsageReport } from '../staleness';
import { emptyFlagUsage } from '../staleness/stale-flags';
import { windowStart } from '../staleness/utc-days';
import type { StoredFlagSet } from '../ports/flag-store';
import type { UsageCount } from '../ports/usage-store';

/** The inputs of one usage report, read from the store and this instance. @internal */
export interface UsageReportInputs {
  stored: StoredFlagSet;
  /** Stored counts of the window's days. */
  counts: UsageCount[];
  lastEvaluations: Array<{ flagKey: string; lastEvaluatedAt: Date }>;
  /** This instance's counts not stored yet. */
  unflushed: Map<string, Record<string, number>>;
  now: Date;
  days: number;
  flushIntervalMs: number;
}

/** The `metadata` object of a definition (or of the flag set's metadata itself), else {}. */
function metadataOf(text: string | null, nested: boolean): Record<string, unknown> {
  if (text === null) return {};
  try {
    const parsed = JSON.parse(text) as unknown;
    const metadata = nested ? (parsed as { metadata?: unknown } | null)?.metadata : parsed;
    return metadata !== null && typeof metadata === 'object' && !Array.isArray(metadata)
      ? (metadata as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

/**
 * What `GET /_flags/usage` answers (docs/protocol.md): every stored flag and every key evaluated
 * in the window, sorted by key, with its counts by variant and by day.
 * @internal
 */
export function buildUsageReport(inputs: UsageReportInputs): UsageReport {
  const { stored, now, days } = inputs;
  const flags = new Map<string, FlagUsage>();
  const entry = (key: string): FlagUsage => {
    let usage = flags.get(key);
    if (usage === undefined) {
      usage = emptyFlagUsage(key);
      flags.set(key, usage);
    }
    return usage;
  };
  // A flag's metadata overlays the flag set's, as flagd defines it and as evaluations see it.
  const setMetadata = metadataOf(stored.metadata, false);
  for (const { key, definition, updatedAt } of stored.flags) {
    const usage = entry(key);
    usage.inStore = true;
    usage.updatedAt = updatedAt?.toISOString() ?? null;
    usage.metadata = { ...setMetadata, ...metadataOf(definition, true) };
  }
  // Counts come ordered by flag, then day: a day's entry is the last one until the day changes.
  for (const { flagKey, variant, day, count } of inputs.counts) {
    const usage = entry(flagKey);
    usage.counts[variant] = (usage.counts[variant] ?? 0) + count;
    let daily = usage.daily[usage.daily.length - 1];
    if (daily?.day !== day) usage.daily.push((daily = { day, counts: {} }));
    daily.counts[variant] = (daily.counts[variant] ?? 0) + count;
  }
  for (const { flagKey, lastEvaluatedAt } of inputs.lastEvaluations) {
    const usage = flags.get(flagKey);
    if (usage !== undefined) usage.lastEvaluatedAt = lastEvaluatedAt.toISOString();
  }
  for (const [flagKey, counts] of inputs.unflushed) entry(flagKey).unflushed = counts;
  return {
    generatedAt: now.toISOString(),
    since: windowStart(now, days),
    days,
    flushIntervalMs: inputs.flushIntervalMs,
    flags: [...flags.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
  };
}
