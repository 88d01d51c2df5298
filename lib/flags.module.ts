import { Module } from '@nestjs/common';
import { CORE_EXPORTS, CORE_PROVIDERS } from './core/core.providers';
import { FLAGS_MODULE_OPTIONS, RESOLVED_FLAGS_OPTIONS } from './core/flags.constants';
import { ConfigurableModuleClass } from './flags.module-definition';
import { type FlagsModuleOptions, resolveFlagsModuleOptions } from './flags-module-options';
import { METRICS_PROVIDERS } from './metrics/metrics.providers';
import { FlagStore } from './ports/flag-store';
import { SYNC_PROVIDERS } from './sync/sync.providers';
import { TELEMETRY_PROVIDERS } from './telemetry/telemetry.providers';
import { USAGE_PROVIDERS } from './usage/usage.providers';
import { WEBHOOK_PROVIDERS } from './webhook/webhook.providers';

/**
 * Feature flags for the application: definitions in its own database, evaluated from memory.
 * Composed of one provider array per feature, as `FlagsTestingModule` is of the core's.
 *
 * @example
 * imports: [
 *   TypeOrmModule.forRoot({ ..., entities: [...FLAG_ENTITIES], migrations: [...FLAG_MIGRATIONS] }),
 *   FlagsModule.forRoot({ seed: 'flags.json', isGlobal: true }),
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
    ...CORE_PROVIDERS,
    ...SYNC_PROVIDERS,
    ...USAGE_PROVIDERS,
    ...WEBHOOK_PROVIDERS,
    ...METRICS_PROVIDERS,
    ...TELEMETRY_PROVIDERS,
  ],
  exports: [...CORE_EXPORTS, FlagStore],
})
export class FlagsModule extends ConfigurableModuleClass {}
