import type { ServedFlagsSource } from '../core/served-flags';
import type { FlagsHealth } from '../core/flags-health.indicator';
import type { ChangeNotifications } from '../core/flags-status';
import type { UsageCounter } from '../core/usage-counter';
import type { ActivityCounters } from '../core/activity-counters';
import type { PromClient, PromCounter, PromGauge } from './prom-client.types';

/** Where the metrics read their values, when they are scraped. @internal */
export interface FlagMetricSources {
  usage: UsageCounter;
  activity: ActivityCounters;
  /** What the health check reports now. */
  health(): FlagsHealth;
}

/** One metric, with the name it is registered under. @internal */
export interface NamedMetric {
  name: string;
  metric: PromCounter | PromGauge;
}

// Every source, so a dashboard sees 0 for the ones not in use rather than no series.
const SOURCES = Object.keys({ store: 0, bootstrap: 0, none: 0 } satisfies Record<
  ServedFlagsSource,
  0
>) as ServedFlagsSource[];
const NOTIFICATIONS = Object.keys({ live: 0, down: 0, off: 0 } satisfies Record<
  ChangeNotifications,
  0
>) as ChangeNotifications[];

/** Sets 1 on the `label` of the value `current` returns, 0 on the other `values`. */
function oneOf(label: string, values: readonly string[], current: () => string) {
  return function (this: PromGauge): void {
    const now = current();
    for (const value of values) this.set({ [label]: value }, value === now ? 1 : 0);
  };
}

/**
 * The module's metrics (documented in the README's "Metrics" section). Each reads its values
 * when scraped: nothing on the evaluation path or anywhere else in the module touches
 * prom-client, and a scrape costs one pass over the counts.
 * @internal
 */
export function defineFlagMetrics(prom: PromClient, sources: FlagMetricSources): NamedMetric[] {
  const { usage, activity } = sources;
  const counter = (
    name: string,
    help: string,
    labelNames: readonly string[],
    collect: (this: PromCounter) => void,
  ): NamedMetric => ({
    name,
    metric: new prom.Counter({ name, help, labelNames, registers: [], collect }),
  });
  const gauge = (
    name: string,
    help: string,
    labelNames: readonly string[],
    collect: (this: PromGauge) => void,
  ): NamedMetric => ({
    name,
    metric: new prom.Gauge({ name, help, labelNames, registers: [], collect }),
  });

  return [
    counter(
      'feature_flag_evaluations_total',
      'Flag evaluations by this instance since it started, by flag key and variant served ' +
        '(variant="" when none was: the caller\'s default, for a missing or disabled flag or an error).',
      ['flag', 'variant'],
      function () {
        // Absolute totals: set from the counts, which only grow, at every scrape.
        this.reset();
        usage.forEachTotal((flag, variant, total) => this.inc({ flag, variant }, total));
      },
    ),
    counter(
      'feature_flag_deliveries_total',
      'Requests to the delivery endpoint, by outcome (applied, unchanged, refused, failed) and ' +
        'reason (the error code answered; "" when applied or unchanged).',
      ['outcome', 'reason'],
      function () {
        this.reset();
        for (const { outcome, reason, count } of activity.deliveries()) {
          this.inc({ outcome, reason }, count);
        }
      },
    ),
    counter(
      'feature_flag_reload_errors_total',
      'Refreshes of the served flags that failed because the store did not answer; the flags ' +
        'served stay as they were until one succeeds.',
      [],
      function () {
        this.reset();
        this.inc(activity.reloadErrors);
      },
    ),
    counter(
      'feature_flag_notify_errors_total',
      'Interruptions of the change notifications (PostgreSQL LISTEN or Redis connection lost or ' +
        'not opened, an announcement not published); changes arrive by polling until they are back.',
      [],
      function () {
        this.reset();
        this.inc(activity.notifyErrors);
      },
    ),
    gauge(
      'feature_flag_served_revision',
      'The store revision this instance serves (0 while it serves bootstrap flags or code defaults).',
      [],
      function () {
        this.set(sources.health().revision);
      },
    ),
    gauge(
      'feature_flag_served_age_seconds',
      'Seconds since the store last confirmed that the flags served are current; grows while ' +
        'the store does not answer.',
      [],
      function () {
        this.set(sources.health().ageMs / 1000);
      },
    ),
    gauge(
      'feature_flag_store_reachable',
      '1 when the last read of the flag store succeeded, else 0.',
      [],
      function () {
        this.set(sources.health().storeReachable ? 1 : 0);
      },
    ),
    gauge(
      'feature_flag_notifications',
      'How this instance hears of changes: 1 for the current state (live: notifications arrive ' +
        'and the store is polled as a safety net; down: interrupted, polled every ' +
        'pollIntervalMs; off: polling only), 0 for the others.',
      ['state'],
      oneOf('state', NOTIFICATIONS, () => sources.health().notifications),
    ),
    gauge(
      'feature_flag_served_source',
      'Where the flags served come from: 1 for the current source (store; bootstrap, as the ' +
        'store was not read in time; none, code defaults), 0 for the others.',
      ['source'],
      oneOf('source', SOURCES, () => sources.health().source),
    ),
  ];
}
