import { Module } from '@nestjs/common';
import { FlagState } from './core/flag-state';
import { FlagService } from './core/flag.service';
import { FlagsBinder } from './core/flags-binding';
import { FeatureFlagGuard } from './core/feature-flag.guard';
import { FlagContextStorage } from './core/flag-context.storage';
import { FlagValuePipe } from './core/flag-value.decorator';
import { RequestContextResolver } from './core/request-context.resolver';
import { FlagsHealthIndicator } from './core/flags-health.indicator';
import { METRICS_PROVIDERS } from './metrics/metrics.providers';
import { FLAGS_MODULE_OPTIONS, RESOLVED_FLAGS_OPTIONS } from './core/flags.constants';
import { ConfigurableModuleClass } from './flags.module-definition';
import { type FlagsModuleOptions, resolveFlagsModuleOptions } from './flags-module-options';
import { FlagStore } from './ports/flag-store';
import { DeliveryApplier } from './webhook/delivery-applier';
import { FlagRefresher } from './sync/flag-refresher';
import { StartupLoader } from './sync/startup-loader';
import { EvaluationEvents } from './core/evaluation-events';
import { ExpiredFlagsWarning } from './usage/expired-flags.warning';
import { EvaluationObserver } from './core/evaluation-observer';
import { UsageCounter } from './core/usage-counter';
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
    FlagState,
    StartupLoader,
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
