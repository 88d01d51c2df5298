import { ConfigurableModuleBuilder } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { FeatureFlagGuard } from './core/feature-flag.guard';
import { FlagContextInterceptor } from './core/flag-context.interceptor';
import { FLAGS_MODULE_OPTIONS } from './core/flags.constants';
import type { FlagsModuleExtras, FlagsModuleOptions } from './flags-module-options';
import { ofrepFeature, resolveOfrepOptions } from './ofrep';
import { storeProviders } from './store/store.providers';
import { webhookControllerAt } from './webhook/flags-webhook.controller';
import { DEFAULT_WEBHOOK_PATH } from './webhook/webhook.constants';

/** @internal */
export const { ConfigurableModuleClass } = new ConfigurableModuleBuilder<FlagsModuleOptions>({
  moduleName: 'Flags',
  optionsInjectionToken: FLAGS_MODULE_OPTIONS,
})
  .setClassMethodName('forRoot')
  // Every extra is named here, even without a default: Nest leaves the keys it does not find in
  // this object among the options, where they would be unknown options.
  .setExtras<FlagsModuleExtras>(
    {
      isGlobal: false,
      dataSourceName: undefined,
      webhookPath: undefined,
      guard: undefined,
      ofrep: undefined,
    },
    (definition, extras) => {
      const ofrep = ofrepFeature(resolveOfrepOptions(extras.ofrep));
      return {
        ...definition,
        global: extras.isGlobal,
        // What the extras decide is known before async options resolve: the DataSource to inject,
        // the webhook's path, the guard, the OFREP routes.
        providers: [
          ...(definition.providers ?? []),
          ...storeProviders(extras.dataSourceName),
          // The request context is ambient for every handler; @FeatureFlag is enforced everywhere.
          { provide: APP_INTERCEPTOR, useClass: FlagContextInterceptor },
          ...(extras.guard === false
            ? []
            : [{ provide: APP_GUARD, useClass: extras.guard ?? FeatureFlagGuard }]),
          ...ofrep.providers,
        ],
        controllers: [
          webhookControllerAt(extras.webhookPath ?? DEFAULT_WEBHOOK_PATH),
          ...ofrep.controllers,
        ],
      };
    },
  )
  .build();
