import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { METRICS_OPTIONS, type ResolvedMetricsOptions } from './metrics-options';
import { FlagsConfigurationError } from '../core/flags-configuration.error';
import { FlagsHealthIndicator } from '../core/flags-health.indicator';
import { UsageCounter } from '../core/usage-counter';
import { ActivityCounters } from '../core/activity-counters';
import { defineFlagMetrics, type NamedMetric } from './flag-metric-definitions';
import { PROM_CLIENT_LOADER, type PromClientLoader } from './load-prom-client';
import type { PromClient, PromRegistry } from './prom-client.types';

function isRegistry(value: unknown): value is PromRegistry {
  const candidate = value as Partial<Record<keyof PromRegistry, unknown>> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.registerMetric === 'function' &&
    typeof candidate.getSingleMetric === 'function' &&
    typeof candidate.removeSingleMetric === 'function'
  );
}

/**
 * Registers the module's Prometheus metrics when the module starts, and removes them when it
 * stops, so applications created and closed one after another in a process (tests) each report
 * their own. prom-client is loaded here only, and only when `metrics` is not `false`; where it
 * is not installed there are no metrics, and nothing else changes.
 *
 * A registry reports one module's metrics: a second `FlagsModule` alive on the same registry
 * registers none and says so (give it `metrics: { registry }` of its own, or `metrics: false`).
 * @internal
 */
@Injectable()
export class FlagsMetrics implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('FlagsModule');
  private registered?: { registry: PromRegistry; metrics: NamedMetric[] };

  constructor(
    @Inject(METRICS_OPTIONS) private readonly options: ResolvedMetricsOptions,
    @Inject(PROM_CLIENT_LOADER) private readonly loadPromClient: PromClientLoader,
    private readonly usage: UsageCounter,
    private readonly activity: ActivityCounters,
    private readonly health: FlagsHealthIndicator,
  ) {}

  /** Whether this module's metrics are registered. */
  get active(): boolean {
    return this.registered !== undefined;
  }

  onModuleInit(): void {
    const settings = this.options;
    if (settings === false) return;
    if (settings.registry !== undefined && !isRegistry(settings.registry)) {
      throw new FlagsConfigurationError(
        'metrics.registry must be a prom-client Registry (new Registry(), or register); ' +
          "leave it out to use prom-client's default registry.",
      );
    }
    const prom = this.promClient(settings.registry !== undefined);
    if (prom === undefined) return;
    const registry = (settings.registry as PromRegistry | undefined) ?? prom.register;
    const metrics = defineFlagMetrics(prom, {
      usage: this.usage,
      activity: this.activity,
      health: () => this.health.check('flags').flags,
    });
    const taken = metrics.filter(({ name }) => registry.getSingleMetric(name) !== undefined);
    if (taken.length > 0) {
      this.logger.warn(
        `The metric ${taken[0].name} is already registered, most likely by another FlagsModule ` +
          'in this process: this one registers no metrics. Give it a registry of its own ' +
          '(metrics: { registry: new Registry() }) or turn its metrics off (metrics: false).',
      );
      return;
    }
    for (const { metric } of metrics) registry.registerMetric(metric);
    this.registered = { registry, metrics };
  }

  onModuleDestroy(): void {
    const registered = this.registered;
    this.registered = undefined;
    if (registered === undefined) return;
    for (const { name, metric } of registered.metrics) {
      // Only ours: the application may have put its own under the name since.
      if (registered.registry.getSingleMetric(name) === metric) {
        registered.registry.removeSingleMetric(name);
      }
    }
  }

  /** prom-client, or undefined (said at debug level, or as a warning when a registry was given). */
  private promClient(registryGiven: boolean): PromClient | undefined {
    let prom: PromClient | undefined;
    try {
      prom = this.loadPromClient();
    } catch (error) {
      this.logger.warn(
        `prom-client is installed but could not be loaded (${(error as Error).message}): no ` +
          'flag metrics. Reinstall it, or set metrics: false.',
      );
      return undefined;
    }
    if (prom === undefined) {
      const message =
        'prom-client is not installed: no flag metrics. Install it (npm install prom-client) to ' +
        'get them, or set metrics: false.';
      if (registryGiven) this.logger.warn(message);
      else this.logger.debug(message);
    }
    return prom;
  }
}
