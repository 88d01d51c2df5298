/*
 * The part of prom-client the metrics use, written out so no file of the library imports
 * prom-client, not even for its types: it is an optional peer dependency, and the declarations
 * the package ships must compile where it is not installed. A test checks that prom-client's
 * own types fit these.
 */

/** Label names to values. */
export type PromLabels = Record<string, string>;

/** A counter, as its `collect` callback sees it. */
export interface PromCounter {
  reset(): void;
  inc(labels: PromLabels, value?: number): void;
  inc(value?: number): void;
}

/** A gauge, as its `collect` callback sees it. */
export interface PromGauge {
  reset(): void;
  set(labels: PromLabels, value: number): void;
  set(value: number): void;
}

/** The options every metric is built with. */
export interface PromMetricConfiguration<Metric> {
  name: string;
  help: string;
  labelNames?: readonly string[];
  /**
   * Always empty: prom-client would otherwise register the metric on its default registry as a
   * side effect of building it. The module registers its metrics itself, all or none.
   */
  registers: never[];
  /** Sets the metric's values when the registry is scraped. */
  collect(this: Metric): void;
}

/** A prom-client `Registry`: its own, or the one given as `metrics.registry`. */
export interface PromRegistry {
  /** Takes a metric built by the same prom-client (a `PromCounter` or `PromGauge` here). */
  registerMetric(metric: object): void;
  getSingleMetric(name: string): unknown;
  removeSingleMetric(name: string): void;
}

/** What the module needs of the `prom-client` package. */
export interface PromClient {
  register: PromRegistry;
  Counter: new (configuration: PromMetricConfiguration<PromCounter>) => PromCounter;
  Gauge: new (configuration: PromMetricConfiguration<PromGauge>) => PromGauge;
}
