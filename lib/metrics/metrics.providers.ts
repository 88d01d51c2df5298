import type { Provider } from '@nestjs/common';
import { ActivityCounters } from '../core/activity-counters';
import { FlagsMetrics } from './flags-metrics';
import { PROM_CLIENT_LOADER, loadPromClient } from './load-prom-client';

/** What FlagsModule provides for its metrics. @internal */
export const METRICS_PROVIDERS: Provider[] = [
  ActivityCounters,
  { provide: PROM_CLIENT_LOADER, useValue: loadPromClient },
  FlagsMetrics,
];
