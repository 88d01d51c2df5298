import { DataSource, type DataSourceOptions } from 'typeorm';
import {
  FLAG_ENTITIES,
  FLAG_MIGRATIONS,
  FlagTablesMissingError,
  TypeOrmFlagStore,
} from '../../lib';
import {
  FlagChangeEntity,
  FlagDefinitionEntity,
  FlagEvaluatorEntity,
  FlagStateEntity,
  FlagUsageEntity,
} from '../../lib/entities';
import { closeQuietly, type DatabaseTarget, type TestDatabase } from './database-targets';
import { AT, change, customerListFlag, flag, largeText, contentsOf } from './flag-store.fixtures';

/** The JSON text columns, each with its entity. */
const TEXT_COLUMNS = [
  [FlagDefinitionEntity, 'definition'],
  [FlagEvaluatorEntity, 'definition'],
  [FlagStateEntity, 'metadata'],
  [FlagChangeEntity, 'before'],
  [FlagChangeEntity, 'after'],
] as const;

/** The JSON text columns' types and whether the change log is indexed by time, as they are. */
async function textSchema(dataSource: DataSource) {
  const runner = dataSource.createQueryRunner();
  try {
    const types: string[] = [];
    for (const [entity, column] of TEXT_COLUMNS) {
      const table = await runner.getTable(dataSource.getMetadata(entity).tablePath);
      types.push(table?.findColumnByName(column)?.type ?? 'missing');
    }
    const log = await runner.getTable(dataSource.getMetadata(FlagChangeEntity).tablePath);
    const indexed = log?.indices.some(
      (index) => index.name === 'IDX_feature_flag_change_changed_at',
    );
    return { types, indexed };
  } finally {
    await runner.release();
  }
}

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
      const [day, lastEvaluatedAt] = ['2026-11-23', new Date('2026-11-23T10:00:00Z')];
      for (const call of [
        () => store.state(),
        () => store.load(),
        () => store.changes(0, 10),
        () => store.apply(change(0, { upsertFlags: [flag('a')] })),
        () => store.recordUsage([{ flagKey: 'a', variant: 'on', day, count: 1, lastEvaluatedAt }]),
        () => store.usage(day),
        () => store.lastEvaluations(),
        () => store.forgetUsage(day),
        () => store.forgetChanges(AT),
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
      const usage = {
        flagKey: 'a',
        variant: 'on',
        day: '2026-11-23',
        count: 2 ** 31 + 1,
        lastEvaluatedAt: new Date('2026-11-23T10:00:00.123Z'),
      };

      await dataSource.runMigrations({ transaction: 'each' });
      expect(await flagTablesPresent(dataSource)).toEqual(FLAG_ENTITIES.map(() => true));
      expect(await pendingSchemaChanges(dataSource)).toEqual([]);
      await expect(store.apply(change(0, { upsertFlags: [flag('a')] }))).resolves.toMatchObject({
        status: 'applied',
      });
      await store.recordUsage([usage]);
      await expect(store.usage(usage.day)).resolves.toEqual([usage]);

      await undoAll(dataSource);
      expect(await flagTablesPresent(dataSource)).toEqual(FLAG_ENTITIES.map(() => false));

      await dataSource.runMigrations({ transaction: 'each' });
      expect(await pendingSchemaChanges(dataSource)).toEqual([]);
      await expect(store.load()).resolves.toMatchObject({ revision: 0, flags: [] });
      await expect(store.usage(usage.day)).resolves.toEqual([]);
      await expect(store.apply(change(0, { upsertFlags: [flag('a')] }))).resolves.toMatchObject({
        status: 'applied',
      });
    });

    it('adds the usage table to a database migrated before it existed', async () => {
      const [first] = FLAG_MIGRATIONS;
      const earlier = await target.create({ ...variant.options, migrations: [first] });
      let upgraded: DataSource | undefined;
      try {
        await earlier.dataSource.runMigrations({ transaction: 'each' });
        const before = new TypeOrmFlagStore(earlier.dataSource);
        await before.apply(change(0, { upsertFlags: [flag('a')] }));

        upgraded = await new DataSource({
          ...earlier.dataSource.options,
          migrations: [...FLAG_MIGRATIONS],
        } as DataSourceOptions).initialize();
        const applied = await upgraded.runMigrations({ transaction: 'each' });
        expect(applied.map((migration) => migration.name)).toEqual(
          FLAG_MIGRATIONS.slice(1).map((migration) => new migration().name),
        );
        expect(await pendingSchemaChanges(upgraded)).toEqual([]);
        const store = new TypeOrmFlagStore(upgraded);
        await expect(store.load()).resolves.toMatchObject({ revision: 1, flags: [flag('a')] });
        const usage = { flagKey: 'a', variant: 'on', day: '2026-11-23', count: 3 };
        await store.recordUsage([{ ...usage, lastEvaluatedAt: AT }]);
        await expect(store.lastEvaluations()).resolves.toEqual([
          { flagKey: 'a', lastEvaluatedAt: AT },
        ]);

        for (let i = 1; i < FLAG_MIGRATIONS.length; i++) await upgraded.undoLastMigration();
        expect(await flagTablesPresent(upgraded)).toEqual(
          FLAG_ENTITIES.map((entity) => entity !== FlagUsageEntity),
        );
        await expect(store.load()).resolves.toMatchObject({ revision: 1, flags: [flag('a')] });
      } finally {
        await closeQuietly(upgraded);
        await earlier.drop();
      }
    });

    it('widens the text columns of a database holding flags, keeping them, and back', async () => {
      const mysql = target.name === 'MariaDB';
      const widened = (type: string) => TEXT_COLUMNS.map(() => type);
      const earlier = await target.create({
        ...variant.options,
        migrations: FLAG_MIGRATIONS.slice(0, 2),
      });
      let upgraded: DataSource | undefined;
      try {
        await earlier.dataSource.runMigrations({ transaction: 'each' });
        const before = new TypeOrmFlagStore(earlier.dataSource);
        await before.apply(
          change(0, {
            upsertFlags: [flag('a'), { key: 'b', definition: largeText(60_000) }],
            upsertEvaluators: [{ key: 'e', definition: '{"var":"email"}' }],
            metadata: '{"v":1}',
          }),
        );
        await before.apply(change(1, { upsertFlags: [flag('a', 'off')] }));
        const held = await contentsOf(before);
        const list = { key: 'beta', definition: customerListFlag(30_000) };
        if (mysql) {
          // MySQL's text holds 65,535 bytes: refused by the database, saying what to do.
          await expect(before.apply(change(2, { upsertFlags: [list] }))).rejects.toThrow(
            /Data too long.*run the migrations in FLAG_MIGRATIONS/,
          );
          await expect(contentsOf(before)).resolves.toEqual(held);
        }
        expect(await textSchema(earlier.dataSource)).toEqual({
          types: widened('text'),
          indexed: false,
        });

        upgraded = await new DataSource({
          ...earlier.dataSource.options,
          migrations: [...FLAG_MIGRATIONS],
        } as DataSourceOptions).initialize();
        const applied = await upgraded.runMigrations({ transaction: 'each' });
        expect(applied.map((migration) => migration.name)).toEqual([
          'WidenFlagDefinitionsAndIndexChangeTimes1766000000000',
        ]);
        expect(await pendingSchemaChanges(upgraded)).toEqual([]);
        expect(await textSchema(upgraded)).toEqual({
          types: widened(mysql ? 'mediumtext' : 'text'),
          indexed: true,
        });
        const store = new TypeOrmFlagStore(upgraded);
        await expect(contentsOf(store)).resolves.toEqual(held);
        await store.apply(change(2, { upsertFlags: [list] }));
        const stored = (await store.load()).flags.find((entry) => entry.key === 'beta');
        expect(stored?.definition === list.definition).toBe(true);

        if (mysql) {
          // Narrowing would cut the list short, in the definitions and in the change log.
          await expect(upgraded.undoLastMigration()).rejects.toThrow(
            /feature_flag_definition\.definition holds a value of \d+ bytes/,
          );
          expect((await textSchema(upgraded)).types).toEqual(widened('mediumtext'));
          await store.apply(change(3, { deleteFlags: ['beta'] }));
          await expect(upgraded.undoLastMigration()).rejects.toThrow(
            /feature_flag_change\.before holds a value of \d+ bytes/,
          );
        }
        await store.forgetChanges(new Date(AT.getTime() + 1));
        const kept = await contentsOf(store);
        await upgraded.undoLastMigration();
        expect(await textSchema(upgraded)).toEqual({ types: widened('text'), indexed: false });
        await expect(contentsOf(store)).resolves.toEqual(kept);
      } finally {
        await closeQuietly(upgraded);
        await earlier.drop();
      }
    });
  });
}
