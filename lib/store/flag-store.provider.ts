import type { FactoryProvider } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { FlagsConfigurationError } from '../core/flags-configuration.error';
import type { FlagsModuleOptions } from '../flags-module-options';
import { FlagStore } from '../ports/flag-store';
import { TypeOrmFlagStore } from './typeorm-flag.store';

/**
 * The store the module uses: the one given in the options, or a TypeORM store on the DataSource.
 * The DataSource is injected (optionally), so Nest creates it first and apps without TypeORM work
 * when they pass a store.
 * @internal
 */
export function flagStoreProvider(
  optionsToken: string | symbol,
  dataSourceName?: string,
): FactoryProvider {
  return {
    provide: FlagStore,
    useFactory: (options: FlagsModuleOptions, dataSource?: DataSource) => {
      if (options.store !== undefined) return options.store;
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
      return new TypeOrmFlagStore(dataSource);
    },
    inject: [optionsToken, { token: getDataSourceToken(dataSourceName), optional: true }],
  };
}
