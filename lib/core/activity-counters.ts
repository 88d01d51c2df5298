import { Injectable } from '@nestjs/common';

/**
 * What became of a request to `POST {webhookPath}/deliveries`: `refused` is the caller's
 * problem (a 4xx, or a misconfigured host), `failed` is this side's (the store did not answer,
 * or an unexpected error).
 * @internal
 */
export type DeliveryOutcome = 'applied' | 'unchanged' | 'refused' | 'failed';

/** Deliveries counted under one outcome and reason. */
export interface DeliveryCount {
  outcome: DeliveryOutcome;
  /** The error code of the answer ('' for `applied` and `unchanged`). */
  reason: string;
  count: number;
}

/**
 * What the module did that metrics report, as plain counts that only grow: deliveries by outcome
 * and reason, refreshes that failed, lost change notifications. The parts of the module that do
 * those things only increment a number here; metrics read the counts when they are scraped, so
 * nothing but the metrics code knows about prom-client, and counting costs the same whether
 * metrics are on or not.
 * @internal
 */
@Injectable()
export class ActivityCounters {
  private readonly deliveryCounts = new Map<string, DeliveryCount>();
  private reloadFailures = 0;
  private notifyFailures = 0;

  /** Counts one answered delivery request. */
  delivery(outcome: DeliveryOutcome, reason = ''): void {
    const id = `${outcome}\n${reason}`;
    const known = this.deliveryCounts.get(id);
    if (known !== undefined) known.count++;
    else this.deliveryCounts.set(id, { outcome, reason, count: 1 });
  }

  /** Every delivery count so far, one entry per outcome and reason seen. */
  deliveries(): DeliveryCount[] {
    return [...this.deliveryCounts.values()].map((entry) => ({ ...entry }));
  }

  /** A refresh of the served flags could not read the store. */
  reloadFailed(): void {
    this.reloadFailures++;
  }

  /** Refreshes that could not read the store. */
  get reloadErrors(): number {
    return this.reloadFailures;
  }

  /** The store's change notifications were interrupted (a lost PostgreSQL LISTEN connection). */
  notifyFailed(): void {
    this.notifyFailures++;
  }

  /** Interruptions of the store's change notifications. */
  get notifyErrors(): number {
    return this.notifyFailures;
  }
}
