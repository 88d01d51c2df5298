import type { DataSource, DataSourceOptions } from 'typeorm';
import {
  FLAG_ENTITIES,
  FLAG_MIGRATIONS,
  FlagTablesMissingError,
  TypeOrmFlagStore,
} from '../../lib';
import type { DatabaseTarget, TestDatabase } from './database-targets';
import { change, flag } from './flag-store.fixtures';

async function flagTablesPresent(dataSource: DataSource): Promise<boolean[]> {
  const runner = dataSource.createQueryRunner();
  try {
    const present: boolean[] = [];
    for (const entity of FLAG_ENTITIES) {
      present.push(await runner.hasTable(dataSource.getMetadata(entity).tablePath));
    }
    return present;
  } finally {
    await runner.release();
  }
}

/** What TypeORM would change to make the schema match the entities: nothing, we expect. */
async function pendingSchemaChanges(dataSource: DataSource): Promise<string[]> {
  const log = await dataSource.driver.createSchemaBuilder().log();
  return log.upQueries.map((query) => query.query);
}

async function undoAll(dataSource: DataSource): Promise<void> {
  for (let i = 0; i < FLAG_MIGRATIONS.length; i++) await dataSource.undoLastMigration();
}

/** FLAG_MIGRATIONS: up, schema equal to the entities, down, up again. */
export function describeFlagMigrations(
  target: DatabaseTarget,
  variant: { label: string; options: Partial<DataSourceOptions> } = { label: '', options: {} },
): void {
  describe(`FLAG_MIGRATIONS on ${target.name}${variant.label}`, () => {
    let db: TestDatabase | undefined;

    beforeAll(async () => {
      db = await target.create(variant.options);
    });

    afterAll(async () => {
      await db?.drop();
    });

    it('reports missing tables with FlagTablesMissingError, which names the fix', async () => {
      const store = new TypeOrmFlagStore(db!.dataSource);
      for (const call of [
        () => store.state(),
        () => store.load(),
        () => store.changes(0, 10),
        () => store.apply(change(0, { upsertFlags: [flag('a')] })),
      ]) {
        const error = await call().catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(FlagTablesMissingError);
        expect((error as Error).message).toMatch(/FLAG_MIGRATIONS.*`migrations`.*migrationsRun/);
        // The driver's error, possibly from another realm (a native addon is loaded once per process).
        expect((error as Error).cause).toMatchObject({ message: expect.any(String) });
      }
    });

    it('creates exactly what the entities describe, drops every table, and runs again', async () => {
      const { dataSource } = db!;
      const store = new TypeOrmFlagStore(dataSource);

      await dataSource.runMigrations({ transaction: 'each' });
      expect(await flagTablesPresent(dataSource)).toEqual([true, true, true, true, true]);
      expect(await pendingSchemaChanges(dataSource)).toEqual([]);
      await expect(store.apply(change(0, { upsertFlags: [flag('a')] }))).resolves.toMatchObject({
        status: 'applied',
      });

      await undoAll(dataSource);
      expect(await flagTablesPresent(dataSource)).toEqual([false, false, false, false, false]);

      await dataSource.runMigrations({ transaction: 'each' });
      expect(await pendingSchemaChanges(dataSource)).toEqual([]);
      await expect(store.load()).resolves.toMatchObject({ revision: 0, flags: [] });
      await expect(store.apply(change(0, { upsertFlags: [flag('a')] }))).resolves.toMatchObject({
        status: 'applied',
      });
    });
  });
}
