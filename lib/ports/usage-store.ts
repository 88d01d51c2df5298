/**
 * Evaluations of one flag that served one variant, on one UTC day: the unit usage is stored in.
 * @publicApi
 */
export interface UsageCount {
  flagKey: string;
  /** The variant served; '' when none was (the caller's default: flag missing, disabled, error). */
  variant: string;
  /** The UTC day, `YYYY-MM-DD`. */
  day: string;
  count: number;
  /** The latest of these evaluations, to the precision of the flush that recorded them. */
  lastEvaluatedAt: Date;
}

/**
 * Keeps the evaluation counts every instance adds: what usage reports and `hybrid-flags stale`
 * read (the `usage` option). The TypeORM and in-memory stores keep usage too; a store of another
 * kind can leave it to a usage store of its own (`usage.store`), or run with `usage: false`.
 * @publicApi
 */
export abstract class UsageStore {
  /**
   * Adds evaluation counts to the stored ones, all or none: counts of the same flag, variant and
   * day add up (across instances and restarts), the later `lastEvaluatedAt` wins.
   */
  abstract recordUsage(counts: UsageCount[]): Promise<void>;
  /** Stored counts of `day` and later days (`YYYY-MM-DD`), by flag key, then day, then variant. */
  abstract usage(sinceDay: string): Promise<UsageCount[]>;
  /** For every flag with stored counts, its latest evaluation (whatever the day). */
  abstract lastEvaluations(): Promise<Array<{ flagKey: string; lastEvaluatedAt: Date }>>;
  /** Deletes the counts of days before `day` (`YYYY-MM-DD`). */
  abstract forgetUsage(beforeDay: string): Promise<void>;
}
