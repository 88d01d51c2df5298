import { Inject, Injectable } from '@nestjs/common';
import { UsageCounter } from '../core/usage-counter';
import { FlagStore } from '../ports/flag-store';
import { UsageStore } from '../ports/usage-store';
import type { UsageReport } from '../staleness';
import { windowStart } from '../staleness/utc-days';
import { type ResolvedUsageOptions, USAGE_OPTIONS } from './usage-options';
import { buildUsageReport } from './usage-report.builder';

/**
 * What `GET /_flags/usage` answers: every stored flag and every key evaluated in the last `days`
 * UTC days, from the usage store and this instance's counts not stored yet.
 * @internal
 */
@Injectable()
export class UsageReports {
  constructor(
    @Inject(USAGE_OPTIONS) private readonly options: ResolvedUsageOptions,
    @Inject(UsageStore) private readonly usageStore: UsageStore | null,
    private readonly store: FlagStore,
    private readonly counter: UsageCounter,
  ) {}

  /** Whether there is a usage store to report from. */
  get available(): boolean {
    return this.usageStore !== null;
  }

  /** The report; rejects when a store does not answer. */
  async report(days: number, now = new Date()): Promise<UsageReport> {
    const usageStore = this.usageStore;
    if (usageStore === null) throw new Error('UsageReports: no usage store');
    const [stored, counts, lastEvaluations] = await Promise.all([
      this.store.load(),
      usageStore.usage(windowStart(now, days)),
      usageStore.lastEvaluations(),
    ]);
    const options = this.options;
    return buildUsageReport({
      stored,
      counts,
      lastEvaluations,
      // Without usage, counts (kept for metrics) are never stored: none is pending.
      unflushed: options === false ? new Map() : this.counter.unflushed(),
      now,
      days,
      flushIntervalMs: options === false ? 0 : options.flushMs,
    });
  }
}
