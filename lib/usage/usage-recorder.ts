import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { type UsageCount, UsageStore } from '../ports/usage-store';
import { type ResolvedUsageOptions, USAGE_OPTIONS } from './usage-options';
import { DAY_MS, utcDay } from '../staleness/utc-days';
import { InvalidChangeError } from '../ports/invalid-change.error';
import { DailyTask } from '../core/daily-task';
import { withTimeout } from '../core/with-timeout';
import { type PendingUsage, UsageCounter } from '../core/usage-counter';

/**
 * Adds this instance's evaluation counts to the usage store every `usage.flushMs`, and once more
 * when the application shuts down. Counts that could not be stored stay in memory and go with the
 * next flush, so an outage delays them without losing them. Each instance also deletes the days
 * past `usage.retentionDays`, once a day. Does nothing with `usage: false`.
 * @internal
 */
@Injectable()
export class UsageRecorder implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('FlagsModule');
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private running?: Promise<void>;
  private failing = false;
  // A failure is tried again at the next flush: old days only wait a little longer to go.
  private readonly usagePurge = new DailyTask((now) => this.forgetOldDays(now));

  private readonly options: Exclude<ResolvedUsageOptions, false> | undefined;

  constructor(
    @Inject(USAGE_OPTIONS) options: ResolvedUsageOptions,
    // Present whenever usage is on: the module refuses to start otherwise.
    @Inject(UsageStore) private readonly store: UsageStore,
    private readonly counter: UsageCounter,
  ) {
    this.options = options === false ? undefined : options;
  }

  onApplicationBootstrap(): void {
    if (this.options !== undefined) this.schedule(this.options);
  }

  /**
   * The last flush runs here, while the database connection is still open (TypeORM closes it
   * in a later shutdown hook). It waits `loadTimeoutMs` at most, so a database that does not
   * answer cannot hold the shutdown.
   */
  async onModuleDestroy(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.timer);
    const options = this.options;
    if (options === undefined) return;
    const last = (async () => {
      await this.running;
      await this.flush();
    })();
    try {
      await withTimeout(last, options.stopTimeoutMs, 'the last usage flush');
    } catch (error) {
      this.logger.warn(
        `The last usage flush did not finish (${(error as Error).message}): usage reports ` +
          `may miss up to ${options.flushMs} ms of this instance's evaluations. ` +
          'Nothing else is affected.',
      );
    }
  }

  /**
   * Adds the counts not stored yet to the store; a flush asked for while one runs waits for it,
   * then runs. Never rejects: a failure keeps the counts for the next flush.
   */
  async flush(now = new Date()): Promise<void> {
    while (this.running !== undefined) await this.running;
    this.running = this.write(now).finally(() => (this.running = undefined));
    return this.running;
  }

  private schedule(options: Exclude<ResolvedUsageOptions, false>): void {
    this.timer = setTimeout(() => {
      void this.flush().finally(() => {
        if (!this.stopped) this.schedule(options);
      });
    }, options.flushMs);
    // Counting must not keep a process alive that is otherwise done.
    this.timer.unref();
  }

  private async write(now: Date): Promise<void> {
    const pending = this.counter.takePending();
    const day = utcDay(now);
    const counts: UsageCount[] = pending.map((entry) => ({ ...entry, day, lastEvaluatedAt: now }));
    try {
      if (counts.length > 0) await this.store.recordUsage(counts);
    } catch (error) {
      this.failed(error, pending);
      return;
    }
    if (this.failing) {
      this.failing = false;
      this.logger.log('Usage counts are stored again.');
    }
    await this.usagePurge.runIfDue(now);
  }

  private async forgetOldDays(now: Date): Promise<void> {
    const retentionDays = this.options?.retentionDays ?? 0;
    const oldest = new Date(now.getTime() - retentionDays * DAY_MS);
    await this.store.forgetUsage(utcDay(oldest));
  }

  private failed(error: unknown, pending: PendingUsage[]): void {
    if (error instanceof InvalidChangeError) {
      // Refused whole, they would be refused again at every flush and hold back the rest.
      this.logger.error(
        `Usage counts were refused by the store and dropped: ${error.message}. Please report ` +
          'this: the counter only hands out counts every store accepts.',
      );
      return;
    }
    const missing = 'If the usage table is missing, run the migrations in FLAG_MIGRATIONS.';
    if (this.stopped) {
      // The last flush: nothing comes after it to retry.
      this.logger.warn(
        `The last usage counts could not be stored (${(error as Error).message}): usage reports ` +
          `miss this instance's last evaluations. ${missing}`,
      );
      return;
    }
    this.counter.restore(pending);
    if (this.failing) return;
    this.failing = true;
    this.logger.warn(
      `Usage counts could not be stored (${(error as Error).message}); they are kept in memory ` +
        `and retried every ${this.options?.flushMs} ms. ${missing}`,
    );
  }
}
