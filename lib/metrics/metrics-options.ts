import { FlagsConfigurationError } from '../core/flags-configuration.error';

/**
 * Prometheus metrics through `prom-client`, when the application has it installed: on its
 * default registry (what a `/metrics` endpoint usually serves), or the `registry` given.
 * `false` registers none. Names and labels: the README's "Metrics".
 * @example metrics: { registry: myRegistry }
 * @publicApi
 */
// unknown: prom-client is an optional peer, its Registry type cannot be named here.
export type MetricsOptions = boolean | { registry?: unknown };

/** The `metrics` group of the resolved options. @internal */
export const METRICS_OPTIONS = 'FLAGS:METRICS_OPTIONS';

/** false: no metrics; otherwise the registry to use (undefined: prom-client's default). @internal */
export type ResolvedMetricsOptions = false | { registry?: unknown };

/** @internal */
export function resolveMetricsOptions(value: unknown): ResolvedMetricsOptions {
  if (value === false) return false;
  if (value === undefined || value === true) return {};
  if (value === null || typeof value !== 'object') {
    throw new FlagsConfigurationError(
      'metrics is true, false or { registry } (a prom-client Registry).',
    );
  }
  return { registry: (value as { registry?: unknown }).registry };
}
