import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { CORE_EXPORTS, CORE_PROVIDERS } from '../core/core.providers';
import { FeatureFlagGuard } from '../core/feature-flag.guard';
import { FlagContextInterceptor } from '../core/flag-context.interceptor';
import { RESOLVED_FLAGS_OPTIONS } from '../core/flags.constants';
import { type FlagsModuleOptions, resolveFlagsModuleOptions } from '../flags-module-options';
import { FlagStore } from '../ports/flag-store';
import { InMemoryFlagStore } from '../store';
import { TESTING_FLAGS, type TestingFlagValue, TestingFlags } from './testing-flags';

/** Options of `FlagsTestingModule.forRoot()`. @publicApi */
export interface FlagsTestingOptions extends Pick<
  FlagsModuleOptions,
  'context' | 'events' | 'openFeature'
> {
  /**
   * The flags to serve: values, or full flagd definitions.
   * @example { 'new-checkout': true, theme: 'dark', limits: { uploads: 10 } }
   * @default {}
   */
  flags?: Record<string, TestingFlagValue>;
}

/**
 * A drop-in replacement for `FlagsModule` in a host's tests: no database, no webhook, the flags
 * given here served at once, `@FeatureFlag()`, `@FlagValue()` and the request context working as
 * in production, and `TestingFlags` to change flags between requests. Global.
 *
 * @example
 * const moduleRef = await Test.createTestingModule({
 *   imports: [FlagsTestingModule.forRoot({ flags: { 'beta-dashboard': true, theme: 'dark' } })],
 *   controllers: [DashboardController],
 * }).compile();
 * const app = await moduleRef.createNestApplication().init();
 * await request(app.getHttpServer()).get('/beta').expect(200);
 * app.get(TestingFlags).set({ 'beta-dashboard': false });
 * await request(app.getHttpServer()).get('/beta').expect(404);
 * @publicApi
 */
@Module({})
export class FlagsTestingModule {
  static forRoot(options: FlagsTestingOptions = {}): DynamicModule {
    const { flags = {}, ...context } = options;
    return {
      module: FlagsTestingModule,
      global: true,
      providers: [
        {
          provide: RESOLVED_FLAGS_OPTIONS,
          useValue: resolveFlagsModuleOptions({ ...context, usage: false, metrics: false }),
        },
        ...CORE_PROVIDERS,
        { provide: TESTING_FLAGS, useValue: flags },
        TestingFlags,
        { provide: FlagStore, useValue: new InMemoryFlagStore() },
        { provide: APP_GUARD, useExisting: FeatureFlagGuard },
        { provide: APP_INTERCEPTOR, useClass: FlagContextInterceptor },
      ],
      exports: [...CORE_EXPORTS, TestingFlags, FlagStore],
    };
  }
}
