import { Module } from '@nestjs/common';
import { FlagCache } from './cache/flag-cache';
import { FlagService } from './flag.service';
import { FlagsBinder } from './flags-binding';
import { FeatureFlagGuard } from './guards/feature-flag.guard';
import { FlagContextStorage } from './request/flag-context.storage';
import { FlagValuePipe } from './request/flag-value.decorator';
import { RequestContextResolver } from './request/request-context.resolver';
import { FlagsHealthIndicator } from './health/flags-health.indicator';
import { METRICS_PROVIDERS } from './metrics/metrics.providers';
import { FLAGS_MODULE_OPTIONS, RESOLVED_FLAGS_OPTIONS } from './flags.constants';
import { ConfigurableModuleClass } from './flags.module-definition';
import { type FlagsModuleOptions, resolveFlagsModuleOptions } from './flags-module-options';
import { FlagStore } from './store/flag-store';
import { DeliveryApplier } from './sync/delivery-applier';
import { FlagRefresher } from './sync/flag-refresher';
import { SnapshotLoader } from './sync/snapshot-loader';
import { StoreReachability } from './sync/store-reachability';
import { EvaluationEvents } from './usage/evaluation-events';
import { ExpiredFlagsWarning } from './usage/expired-flags.warning';
import { EvaluationObserver } from './usage/evaluation-observer';
import { UsageCounter } from './usage/usage-counter';
import { UsageRecorder } from './usage/usage-recorder';

/**
 * Feature flags for the application: definitions in its own database, evaluated from memory.
 *
 * @example
 * imports: [
 *   TypeOrmModule.forRoot({ ..., entities: [...FLAG_ENTITIES], migrations: [...FLAG_MIGRATIONS] }),
 *   FlagsModule.forRoot({ bootstrap: 'flags.bootstrap.json', isGlobal: true }),
 * ]
 * @publicApi
 */
@Module({
  providers: [
    {
      provide: RESOLVED_FLAGS_OPTIONS,
      useFactory: (options: FlagsModuleOptions) => resolveFlagsModuleOptions(options),
      inject: [FLAGS_MODULE_OPTIONS],
    },
    FlagCache,
    StoreReachability,
    SnapshotLoader,
    FlagRefresher,
    DeliveryApplier,
    FlagService,
    FlagsHealthIndicator,
    FlagsBinder,
    FlagContextStorage,
    RequestContextResolver,
    FeatureFlagGuard,
    FlagValuePipe,
    UsageCounter,
    UsageRecorder,
    EvaluationEvents,
    EvaluationObserver,
    ExpiredFlagsWarning,
    ...METRICS_PROVIDERS,
  ],
  exports: [
    FlagService,
    FlagStore,
    FlagsHealthIndicator,
    RequestContextResolver,
    FeatureFlagGuard,
    FlagValuePipe,
  ],
})
export class FlagsModule extends ConfigurableModuleClass {}
