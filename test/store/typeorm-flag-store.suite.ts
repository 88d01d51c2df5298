import { TypeOrmFlagStore } from '../../lib';
import { clearFlagTables, type DatabaseTarget, type TestDatabase } from './database-targets';
import { describeDeliveryLedgerContract } from './delivery-ledger.contract';
import { describeFlagStoreContract } from './flag-store.contract';
import { describeFlagMigrations } from './flag-migrations.behaviour';
import { describeUsageStoreContract } from './flag-usage.contract';
import { describeTypeOrmStoreBehaviour } from './typeorm-flag-store.behaviour';
import { describeTypeOrmUsageBehaviour } from './typeorm-flag-usage.behaviour';

/** Everything the TypeORM store is tested for, on one database. */
export function describeTypeOrmFlagStore(target: DatabaseTarget): void {
  describeFlagMigrations(target);
  describeFlagMigrations(target, {
    label: ' with an entityPrefix',
    options: { entityPrefix: 'app_' },
  });

  describe(`${target.name}, migrated`, () => {
    let db: TestDatabase | undefined;
    const makeStore = async () => {
      await clearFlagTables(db!.dataSource);
      return new TypeOrmFlagStore(db!.dataSource);
    };

    beforeAll(async () => {
      db = await target.create();
      await db.dataSource.runMigrations();
    });

    afterAll(async () => {
      await db?.drop();
    });

    describeFlagStoreContract(`TypeOrmFlagStore on ${target.name}`, makeStore);
    describeUsageStoreContract(`TypeOrmFlagStore on ${target.name}`, makeStore);
    describeDeliveryLedgerContract(`TypeOrmFlagStore on ${target.name}`, makeStore);
    describeTypeOrmStoreBehaviour(target, () => db!, makeStore);
    describeTypeOrmUsageBehaviour(target, () => db!, makeStore);
  });
}
