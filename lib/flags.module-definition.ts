import { ConfigurableModuleBuilder } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { FLAGS_MODULE_OPTIONS, WEBHOOK_PATH } from './flags.constants';
import type { FlagsModuleExtras, FlagsModuleOptions } from './flags-module-options';
import { flagStoreProvider } from './store/flag-store.provider';
import { flagsWebhookController } from './controllers/flags-webhook.controller';
import { WebhookBodyErrors } from './controllers/webhook-body-errors';
import { DeliveryLog } from './controllers/delivery-log';
import { FeatureFlagGuard } from './guards/feature-flag.guard';
import { FlagContextInterceptor } from './request/flag-context.interceptor';

const DEFAULT_WEBHOOK_PATH = '/_flags';

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
      { provide: WEBHOOK_PATH, useValue: extras.webhookPath ?? DEFAULT_WEBHOOK_PATH },
      WebhookBodyErrors,
      DeliveryLog,
      // The request context is ambient for every handler; @FeatureFlag is enforced everywhere.
      { provide: APP_INTERCEPTOR, useClass: FlagContextInterceptor },
      ...(extras.guard === false
        ? []
        : [{ provide: APP_GUARD, useClass: extras.guard ?? FeatureFlagGuard }]),
    ],
    controllers: [flagsWebhookController(extras.webhookPath ?? DEFAULT_WEBHOOK_PATH)],
  }))
  .build();
