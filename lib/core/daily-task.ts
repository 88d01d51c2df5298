import { utcDay } from '../staleness/utc-days';

/**
 * Housekeeping an instance runs at most once per UTC day (deleting what is past its retention),
 * called from a timer its owner already has: `runIfDue()` on every tick costs nothing once the
 * day's run succeeded. A run that fails is tried again at a later tick, no sooner than `retryMs`
 * after it failed. Runs never overlap, and never reject.
 * @internal
 */
export class DailyTask {
  private doneDay?: string;
  private retryAt = Number.NEGATIVE_INFINITY;
  private current?: Promise<void>;

  /**
   * @param task The work, given the tick's time; a rejection is a failed run.
   * @param retryMs How long a failed run waits before the next tick may try again.
   * @param onFailure Hears of each failed run.
   */
  constructor(
    private readonly task: (now: Date) => Promise<void>,
    private readonly retryMs = 0,
    private readonly onFailure: (error: unknown) => void = () => undefined,
  ) {}

  /** Settles when no run is in progress. */
  get idle(): Promise<void> {
    return this.current ?? Promise.resolve();
  }

  /**
   * Runs the task unless it succeeded on the UTC day of `now`, failed less than `retryMs` ago, or
   * is running (then waits for that run).
   */
  runIfDue(now = new Date()): Promise<void> {
    if (this.current !== undefined) return this.current;
    const day = utcDay(now);
    if (this.doneDay === day || now.getTime() < this.retryAt) return Promise.resolve();
    this.current = this.run(now, day).finally(() => (this.current = undefined));
    return this.current;
  }

  private async run(now: Date, day: string): Promise<void> {
    try {
      await this.task(now);
      this.doneDay = day;
    } catch (error) {
      this.retryAt = now.getTime() + this.retryMs;
      this.onFailure(error);
    }
  }
}
