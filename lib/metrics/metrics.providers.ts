import type { Provider } from '@nestjs/common';
import { optionsGroup } from '../core/flags.constants';
import { FlagsMetrics } from './flags-metrics';
import { PROM_CLIENT_LOADER, loadPromClient } from './load-prom-client';
import { METRICS_OPTIONS, type ResolvedMetricsOptions } from './metrics-options';

/** What FlagsModule provides for its metrics. @internal */
export const METRICS_PROVIDERS: Provider[] = [
  optionsGroup(METRICS_OPTIONS, (options: { metrics: ResolvedMetricsOptions }) => options.metrics),
  { provide: PROM_CLIENT_LOADER, useValue: loadPromClient },
  FlagsMetrics,
];
