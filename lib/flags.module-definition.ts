import { ConfigurableModuleBuilder } from '@nestjs/common';
import { FLAGS_MODULE_OPTIONS } from './flags.constants';
import type { FlagsModuleExtras, FlagsModuleOptions } from './flags-module-options';
import { flagStoreProvider } from './store/flag-store.provider';
import { flagsWebhookController } from './controllers/flags-webhook.controller';

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
    ],
    controllers: [flagsWebhookController(extras.webhookPath ?? '/_flags')],
  }))
  .build();
