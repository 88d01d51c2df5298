/*
 * What a fleet's database server itself counts for the fleet's database: statements run and
 * connections held, read over an admin connection to another database (`test`), so that
 * reading them adds nothing to what is read.
 */
import { DataSource } from 'typeorm';
import type { ClusterDatabase } from '../../test/support/app-cluster';

export type DatabaseKind = 'postgres' | 'mariadb';

const ADMIN_URLS: Record<DatabaseKind, string> = {
  postgres: process.env.FLAGS_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  mariadb: process.env.FLAGS_TEST_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306/test',
};

export interface DatabaseStatistics {
  /** The server's version, for the report. */
  version: string;
  /**
   * Statements the database's clients have run so far: on PostgreSQL, transactions committed
   * and rolled back in the database (pg_stat_database; every statement outside a transaction
   * is one); on MariaDB, statements of the database's own user (USER_STATISTICS).
   */
  statements(): Promise<number>;
  /**
   * Connections opened so far: sessions of the database (PostgreSQL, `pg_stat_database`), or
   * connections of its user (MariaDB, `USER_STATISTICS.TOTAL_CONNECTIONS`).
   */
  connectionsOpened(): Promise<number>;
  /** Client connections open on the database (PostgreSQL) or of its user (MariaDB) now. */
  connections(): Promise<number>;
  close(): Promise<void>;
}

const admin = (kind: DatabaseKind) =>
  new DataSource({ type: kind, url: ADMIN_URLS[kind] }).initialize();

/** Reads the server's statistics for `database` (on MariaDB, for its user of the same name). */
export async function openDatabaseStatistics(
  kind: DatabaseKind,
  database: ClusterDatabase,
): Promise<DatabaseStatistics> {
  const source = await admin(kind);
  const [{ version }] = (await source.query('SELECT version() AS version')) as Array<{
    version: string;
  }>;
  const count = async (sql: string) => {
    const [row] = (await source.query(sql, [database.name])) as Array<{ n: string | number }>;
    return Number(row?.n ?? 0);
  };
  if (kind === 'postgres') {
    return {
      version: `PostgreSQL ${version.split(' ')[1]}`,
      statements: () =>
        count('SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = $1'),
      connectionsOpened: () =>
        count('SELECT sessions AS n FROM pg_stat_database WHERE datname = $1'),
      connections: () =>
        count(
          "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend'",
        ),
      close: () => source.destroy(),
    };
  }
  return {
    version: `MariaDB ${version.split('-')[0]}`,
    statements: () =>
      count(
        'SELECT SELECT_COMMANDS + UPDATE_COMMANDS + OTHER_COMMANDS AS n ' +
          'FROM information_schema.USER_STATISTICS WHERE USER = ?',
      ),
    connectionsOpened: () =>
      count('SELECT TOTAL_CONNECTIONS AS n FROM information_schema.USER_STATISTICS WHERE USER = ?'),
    connections: () =>
      count('SELECT count(*) AS n FROM information_schema.PROCESSLIST WHERE USER = ?'),
    close: () => source.destroy(),
  };
}

/**
 * MariaDB counts statements per user only with `userstat` on (a server setting, off by
 * default): turns it on if it is off; the function returned puts it back.
 */
export async function enableUserStatistics(): Promise<() => Promise<void>> {
  const source = await admin('mariadb');
  try {
    const [{ on }] = (await source.query('SELECT @@GLOBAL.userstat AS `on`')) as Array<{
      on: number | string;
    }>;
    if (Number(on) === 1) return async () => undefined;
    await source.query('SET GLOBAL userstat = 1');
  } finally {
    await source.destroy();
  }
  return async () => {
    const again = await admin('mariadb');
    await again.query('SET GLOBAL userstat = 0');
    await again.destroy();
  };
}
