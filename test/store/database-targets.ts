import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { FLAG_ENTITIES, FLAG_MIGRATIONS } from '../../lib';

/**
 * A database the TypeORM store tests run against: each `create()` makes an empty, private schema
 * (PostgreSQL), database (MariaDB) or file (SQLite) and a DataSource on it with the flag entities
 * and migrations registered (not run).
 */
export interface DatabaseTarget {
  name: string;
  create(extra?: Partial<DataSourceOptions>): Promise<TestDatabase>;
  /** SQL counting statements that wait for a lock, as `n` (PostgreSQL and MariaDB). */
  lockWaits?: string;
  /** SQL making the next inserts into the change log fail, and SQL undoing that. */
  failingChangeLog(database: TestDatabase): { install: string[]; remove: string[] };
  /** SQL making inserts of usage counts of the flag key 'refused' fail, and SQL undoing that. */
  failingUsage(database: TestDatabase): { install: string[]; remove: string[] };
}

export interface TestDatabase {
  dataSource: DataSource;
  /** A second DataSource on the same database: another pool, as another instance would have. */
  open(): Promise<DataSource>;
  drop(): Promise<void>;
}

const FLAG_OPTIONS = { entities: [...FLAG_ENTITIES], migrations: [...FLAG_MIGRATIONS] };

const uniqueName = () => `flags_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;

async function reachable(what: string, variable: string, options: DataSourceOptions) {
  const admin = new DataSource(options);
  try {
    return await admin.initialize();
  } catch (error) {
    throw new Error(
      `${what} is not reachable (${(error as Error).message}). Start it (.ci/run starts every ` +
        `service) or point ${variable} at one.`,
    );
  }
}

function serverOptions(url: string) {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: Number(parsed.port),
    username: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    database: parsed.pathname.slice(1),
  };
}

/** PostgreSQL: a schema of its own in the `test` database. */
export function postgresTarget(
  url = process.env.FLAGS_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
): DatabaseTarget {
  const server = { type: 'postgres' as const, ...serverOptions(url), connectTimeoutMS: 5000 };
  return {
    name: 'PostgreSQL',
    lockWaits: 'SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted',
    async create(extra = {}) {
      const admin = await reachable(`PostgreSQL at ${url}`, 'FLAGS_TEST_POSTGRES_URL', server);
      const schema = uniqueName();
      await admin.query(`CREATE SCHEMA "${schema}"`);
      const open = async () =>
        new DataSource({
          ...server,
          schema,
          ...FLAG_OPTIONS,
          ...extra,
        } as DataSourceOptions).initialize();
      const dataSource = await open();
      return {
        dataSource,
        open,
        drop: async () => {
          await closeQuietly(dataSource);
          await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
          await admin.destroy();
        },
      };
    },
    failingChangeLog({ dataSource }) {
      const schema = (dataSource.options as { schema: string }).schema;
      return {
        install: [
          `CREATE FUNCTION "${schema}".flags_test_fail() RETURNS trigger LANGUAGE plpgsql AS ` +
            `$$ BEGIN RAISE EXCEPTION 'flags test: change log refused'; END $$`,
          `CREATE TRIGGER flags_test_fail BEFORE INSERT ON "${schema}".feature_flag_change ` +
            `FOR EACH ROW EXECUTE FUNCTION "${schema}".flags_test_fail()`,
        ],
        remove: [
          `DROP TRIGGER flags_test_fail ON "${schema}".feature_flag_change`,
          `DROP FUNCTION "${schema}".flags_test_fail()`,
        ],
      };
    },
    failingUsage({ dataSource }) {
      const schema = (dataSource.options as { schema: string }).schema;
      return {
        install: [
          `CREATE FUNCTION "${schema}".flags_test_fail_usage() RETURNS trigger LANGUAGE plpgsql ` +
            `AS $$ BEGIN IF NEW.flag_key = 'refused' THEN ` +
            `RAISE EXCEPTION 'flags test: usage refused'; END IF; RETURN NEW; END $$`,
          `CREATE TRIGGER flags_test_fail_usage BEFORE INSERT ON "${schema}".feature_flag_usage ` +
            `FOR EACH ROW EXECUTE FUNCTION "${schema}".flags_test_fail_usage()`,
        ],
        remove: [
          `DROP TRIGGER flags_test_fail_usage ON "${schema}".feature_flag_usage`,
          `DROP FUNCTION "${schema}".flags_test_fail_usage()`,
        ],
      };
    },
  };
}

/** MariaDB (or MySQL): a database of its own. */
export function mariadbTarget(
  url = process.env.FLAGS_TEST_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306/test',
): DatabaseTarget {
  const server = { type: 'mariadb' as const, ...serverOptions(url), connectTimeout: 5000 };
  return {
    name: 'MariaDB',
    // INNODB_TRX and INNODB_LOCK_WAITS do not show this wait on MariaDB 10.11; the process list does.
    lockWaits:
      'SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST ' +
      "WHERE INFO LIKE 'INSERT INTO `feature_flag_delivery`%' AND STATE = 'Update'",
    async create(extra = {}) {
      const admin = await reachable(`MariaDB at ${url}`, 'FLAGS_TEST_MARIADB_URL', server);
      const database = uniqueName();
      await admin.query(`CREATE DATABASE \`${database}\``);
      const open = async () =>
        new DataSource({
          ...server,
          database,
          ...FLAG_OPTIONS,
          ...extra,
        } as DataSourceOptions).initialize();
      const dataSource = await open();
      return {
        dataSource,
        open,
        drop: async () => {
          await closeQuietly(dataSource);
          await admin.query(`DROP DATABASE \`${database}\``);
          await admin.destroy();
        },
      };
    },
    failingChangeLog: () => ({
      install: [
        'CREATE TRIGGER flags_test_fail BEFORE INSERT ON feature_flag_change FOR EACH ROW ' +
          "SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'flags test: change log refused'",
      ],
      remove: ['DROP TRIGGER flags_test_fail'],
    }),
    failingUsage: () => ({
      install: [
        'CREATE TRIGGER flags_test_fail_usage BEFORE INSERT ON feature_flag_usage FOR EACH ROW ' +
          "IF NEW.flag_key = 'refused' THEN " +
          "SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'flags test: usage refused'; END IF",
      ],
      remove: ['DROP TRIGGER flags_test_fail_usage'],
    }),
  };
}

/** SQLite through better-sqlite3: a file in a temporary directory. */
export function sqliteTarget(): DatabaseTarget {
  return {
    name: 'SQLite',
    async create(extra = {}) {
      const folder = mkdtempSync(join(tmpdir(), 'flags-sqlite-'));
      const database = join(folder, 'flags.sqlite');
      const open = async () =>
        new DataSource({
          type: 'better-sqlite3',
          database,
          ...FLAG_OPTIONS,
          ...extra,
        } as DataSourceOptions).initialize();
      const dataSource = await open();
      return {
        dataSource,
        open,
        drop: async () => {
          await closeQuietly(dataSource);
          rmSync(folder, { recursive: true, force: true });
        },
      };
    },
    failingChangeLog: () => ({
      install: [
        'CREATE TRIGGER flags_test_fail BEFORE INSERT ON feature_flag_change ' +
          "BEGIN SELECT RAISE(ABORT, 'flags test: change log refused'); END",
      ],
      remove: ['DROP TRIGGER flags_test_fail'],
    }),
    failingUsage: () => ({
      install: [
        "CREATE TRIGGER flags_test_fail_usage BEFORE INSERT ON feature_flag_usage WHEN NEW.flag_key = 'refused' " +
          "BEGIN SELECT RAISE(ABORT, 'flags test: usage refused'); END",
      ],
      remove: ['DROP TRIGGER flags_test_fail_usage'],
    }),
  };
}

/** Empties the flag tables between tests. */
export async function clearFlagTables(dataSource: DataSource): Promise<void> {
  for (const entity of FLAG_ENTITIES) await dataSource.getRepository(entity).clear();
}

/** Closes a DataSource if it is open: tests close some themselves. */
export async function closeQuietly(dataSource: DataSource | undefined): Promise<void> {
  if (dataSource?.isInitialized) await dataSource.destroy();
}
