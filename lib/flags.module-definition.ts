import { ConfigurableModuleBuilder } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { FLAGS_MODULE_OPTIONS } from './core/flags.constants';
import type { FlagsModuleExtras, FlagsModuleOptions } from './flags-module-options';
import { flagStoreProvider } from './store/flag-store.provider';
import { FeatureFlagGuard } from './core/feature-flag.guard';
import { FlagContextInterceptor } from './core/flag-context.interceptor';
import { webhookControllerAt } from './webhook/flags-webhook.controller';
import { WEBHOOK_PROVIDERS } from './webhook/webhook.providers';
import { DEFAULT_WEBHOOK_PATH } from './webhook/webhook.constants';

/** @internal */
export const { ConfigurableModuleClass } = new ConfigurableModuleBuilder<FlagsModuleOptions>({
  moduleName: 'Flags',
  optionsInjectionToken: FLAGS_MODULE_OPTIONS,
})
  .setClassMethodName('forRoot')
  .setExtras<FlagsModuleExtras>({ isGlobal: false }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
    // The DataSource's name must be known before async options resolve: it picks what to inject.
    providers: [
      ...(definition.providers ?? []),
      flagStoreProvider(FLAGS_MODULE_OPTIONS, extras.dataSourceName),
      ...WEBHOOK_PROVIDERS,
      // The request context is ambient for every handler; @FeatureFlag is enforced everywhere.
      { provide: APP_INTERCEPTOR, useClass: FlagContextInterceptor },
      ...(extras.guard === false
        ? []
        : [{ provide: APP_GUARD, useClass: extras.guard ?? FeatureFlagGuard }]),
    ],
    controllers: [webhookControllerAt(extras.webhookPath ?? DEFAULT_WEBHOOK_PATH)],
  }))
  .build();
