/** Evaluations by variant served; `''` counts evaluations that served no variant (code default). @publicApi */
export type VariantCounts = Record<string, number>;

/** One UTC day's evaluations of one flag. @publicApi */
export interface DailyUsage {
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  counts: VariantCounts;
}

/** One flag in a {@link UsageReport}. @publicApi */
export interface FlagUsage {
  key: string;
  /** Whether the store holds a definition for this key. */
  inStore: boolean;
  /** When the stored definition last changed (ISO 8601); null when not in the store. */
  updatedAt: string | null;
  /**
   * The stored flag's metadata over the flag set's (as evaluations see it); `{}` when there is
   * none or the flag is not in the store.
   */
  metadata: Record<string, unknown>;
  /** The latest stored evaluation over all retained history (ISO 8601); null when none. */
  lastEvaluatedAt: string | null;
  /** Stored counts of every instance over the report's window. */
  counts: VariantCounts;
  /** The same counts by day, oldest first, only days with counts. */
  daily: DailyUsage[];
  /** The answering instance's counts not stored yet (evaluated today, in effect). */
  unflushed: VariantCounts;
}

/**
 * What `GET /_flags/usage?days=N` answers: every stored flag and every key evaluated in the
 * window, sorted by key. The input of {@link staleFlags}.
 * @publicApi
 */
export interface UsageReport {
  /** When the application built the report (ISO 8601). */
  generatedAt: string;
  /** The window's first UTC day, `YYYY-MM-DD`. */
  since: string;
  /** The window's length in UTC days, today included. */
  days: number;
  /** How often each instance stores its counts: counts younger than this may be missing. */
  flushIntervalMs: number;
  flags: FlagUsage[];
}

/** The window `GET /_flags/usage` reports when none is asked for, in days. @internal */
export const DEFAULT_USAGE_DAYS = 30;
/** The longest window `GET /_flags/usage` reports, in days. @internal */
export const MAX_USAGE_DAYS = 400;
