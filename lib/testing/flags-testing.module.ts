import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { FlagState } from '../core/flag-state';
import { FlagService } from '../core/flag.service';
import { RESOLVED_FLAGS_OPTIONS } from '../core/flags.constants';
import { type FlagsModuleOptions, resolveFlagsModuleOptions } from '../flags-module-options';
import { FeatureFlagGuard } from '../core/feature-flag.guard';
import { FlagsHealthIndicator } from '../core/flags-health.indicator';
import { FlagContextInterceptor } from '../core/flag-context.interceptor';
import { FlagContextStorage } from '../core/flag-context.storage';
import { FlagValuePipe } from '../core/flag-value.decorator';
import { RequestContextResolver } from '../core/request-context.resolver';
import { FlagStore } from '../ports/flag-store';
import { InMemoryFlagStore } from '../store/in-memory-flag.store';
import { EvaluationEvents } from '../core/evaluation-events';
import { EvaluationObserver } from '../core/evaluation-observer';
import { UsageCounter } from '../core/usage-counter';
import { TESTING_FLAGS, type TestingFlagValue, TestingFlags } from './testing-flags';

/** Options of `FlagsTestingModule.forRoot()`. @publicApi */
export interface FlagsTestingOptions extends Pick<
  FlagsModuleOptions,
  | 'requestContext'
  | 'contextHeaders'
  | 'onEvaluation'
  | 'emitEvaluationEvents'
  | 'evaluationSampleRate'
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
        { provide: TESTING_FLAGS, useValue: flags },
        FlagState,
        TestingFlags,
        { provide: FlagStore, useValue: new InMemoryFlagStore() },
        FlagContextStorage,
        RequestContextResolver,
        FlagService,
        UsageCounter,
        EvaluationEvents,
        EvaluationObserver,
        FlagsHealthIndicator,
        FeatureFlagGuard,
        FlagValuePipe,
        { provide: APP_GUARD, useExisting: FeatureFlagGuard },
        { provide: APP_INTERCEPTOR, useClass: FlagContextInterceptor },
      ],
      exports: [
        FlagService,
        TestingFlags,
        FlagStore,
        FlagsHealthIndicator,
        RequestContextResolver,
        FeatureFlagGuard,
        FlagValuePipe,
      ],
    };
  }
}
