import type { FactoryProvider, Provider } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { RESOLVED_FLAGS_OPTIONS } from '../core/flags.constants';
import { FlagsConfigurationError } from '../core/flags-configuration.error';
import { DeliveryLedger } from '../ports/delivery-ledger';
import { FlagStore } from '../ports/flag-store';
import { UsageStore } from '../ports/usage-store';
import { boundByTimer } from './bound-by-timer';
import type { ResolvedStoreOptions } from './store-options';
import { TypeOrmFlagStore } from './typeorm-flag.store';

/** The options the store providers read. */
interface StoreProviderOptions {
  store: ResolvedStoreOptions;
  webhook?: { ledger?: DeliveryLedger };
  usage: false | { store?: UsageStore };
}

const isLedger = (value: unknown): value is DeliveryLedger =>
  typeof (value as Partial<DeliveryLedger> | undefined)?.rememberDelivery === 'function';

const isUsageStore = (value: unknown): value is UsageStore =>
  typeof (value as Partial<UsageStore> | undefined)?.recordUsage === 'function';

/**
 * The flag store: the one given in the options (bounded by a timer), or a TypeORM store on the
 * DataSource (which bounds itself). The DataSource is injected (optionally), so Nest creates it
 * first and apps without TypeORM work when they pass a store.
 */
function flagStoreProvider(dataSourceName?: string): FactoryProvider {
  return {
    provide: FlagStore,
    useFactory: (options: StoreProviderOptions, dataSource?: DataSource) => {
      const { use, timeoutMs, connections } = options.store;
      if (use !== undefined) return boundByTimer(use, timeoutMs);
      if (dataSource === undefined || dataSource === null) {
        const which =
          dataSourceName === undefined
            ? 'the default TypeORM DataSource'
            : `the TypeORM DataSource "${dataSourceName}"`;
        throw new FlagsConfigurationError(
          `${which} was not found. Import TypeOrmModule.forRoot() with FLAG_ENTITIES in its entities, ` +
            'set dataSourceName, or pass a store such as new InMemoryFlagStore().',
        );
      }
      return new TypeOrmFlagStore(dataSource, { timeoutMs, connections });
    },
    inject: [RESOLVED_FLAGS_OPTIONS, { token: getDataSourceToken(dataSourceName), optional: true }],
  };
}

/** Where delivery ids are remembered: `webhook.ledger`, or the store; null without a webhook. */
const deliveryLedgerProvider: FactoryProvider = {
  provide: DeliveryLedger,
  useFactory: (options: StoreProviderOptions, store: FlagStore) => {
    if (options.webhook === undefined) return null;
    const given = options.webhook.ledger;
    const ledger = given === undefined ? store : boundByTimer(given, options.store.timeoutMs);
    if (!isLedger(ledger)) {
      throw new FlagsConfigurationError(
        'the webhook remembers the ids of signed requests, and this store does not ' +
          '(it is no DeliveryLedger): implement rememberDelivery on it, or pass webhook.ledger.',
      );
    }
    return ledger;
  },
  inject: [RESOLVED_FLAGS_OPTIONS, FlagStore],
};

/** Where usage counts go: `usage.store`, or the store; null when neither keeps usage. */
const usageStoreProvider: FactoryProvider = {
  provide: UsageStore,
  useFactory: (options: StoreProviderOptions, store: FlagStore) => {
    const given = options.usage === false ? undefined : options.usage.store;
    const usageStore = given === undefined ? store : boundByTimer(given, options.store.timeoutMs);
    if (isUsageStore(usageStore)) return usageStore;
    if (options.usage === false) return null;
    throw new FlagsConfigurationError(
      'usage counts are stored, and this store keeps none (it is no UsageStore): implement ' +
        'recordUsage, usage, lastEvaluations and forgetUsage on it, pass usage.store, or set usage: false.',
    );
  },
  inject: [RESOLVED_FLAGS_OPTIONS, FlagStore],
};

/**
 * The store ports the module's features use, on the DataSource named `dataSourceName` unless the
 * options give a store.
 * @internal
 */
export function storeProviders(dataSourceName?: string): Provider[] {
  return [flagStoreProvider(dataSourceName), deliveryLedgerProvider, usageStoreProvider];
}
