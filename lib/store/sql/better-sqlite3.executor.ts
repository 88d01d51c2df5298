import type { DataSource } from 'typeorm';
import { driveSync, type Row, type Statement, type Work } from './sql-work';

/** The part of a better-sqlite3 Database the store uses. */
interface SqliteDatabase {
  readonly inTransaction: boolean;
  prepare(sql: string): {
    readonly reader: boolean;
    all(...params: unknown[]): unknown[];
    run(...params: unknown[]): unknown;
  };
  transaction<R>(fn: () => R): { deferred(): R; immediate(): R };
}

class RolledBack<T> {
  constructor(readonly value: T) {}
}

function execute(dataSource: DataSource, db: SqliteDatabase, { sql, params }: Statement): Row[] {
  dataSource.logger.logQuery(sql, params);
  try {
    const statement = db.prepare(sql);
    if (statement.reader) return statement.all(...params) as Row[];
    statement.run(...params);
    return [];
  } catch (error) {
    dataSource.logger.logQueryError(error as Error, sql, params);
    throw error;
  }
}

/**
 * Runs a unit of work on better-sqlite3, synchronously, in one native transaction.
 *
 * TypeORM gives every better-sqlite3 caller the same connection and QueryRunner, so an async
 * transaction there would interleave with the host's statements (and a "nested" one becomes a
 * savepoint inside the host's). Run synchronously, nothing else in the process can execute until
 * the transaction ends; writes use BEGIN IMMEDIATE, taking SQLite's single write lock before
 * reading the revision, so writers in other processes queue too (busy timeout, then SQLITE_BUSY).
 * @internal
 */
export async function runOnBetterSqlite3<T>(
  dataSource: DataSource,
  mode: 'read' | 'write',
  work: Work<T>,
): Promise<T> {
  const db = (dataSource.driver as unknown as { databaseConnection: SqliteDatabase })
    .databaseConnection;
  // A write must not become a savepoint of a transaction the host has open on the connection:
  // wait for it to end, as long as SQLite waits for a lock (the DataSource's `timeout`). The check
  // sits right before the synchronous transaction, with no await between.
  const limit = (dataSource.options as { timeout?: number }).timeout ?? 5000;
  const since = Date.now();
  while (mode === 'write' && db.inTransaction) {
    if (Date.now() - since > limit) {
      throw new Error(
        `TypeOrmFlagStore: the application kept a transaction open on the SQLite connection for ` +
          `${limit} ms; the flag change was not applied. (Is a flag change awaited inside it?)`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const transaction = db.transaction(() => {
    const result = driveSync(work, (statement) => execute(dataSource, db, statement));
    if (!result.commit) throw new RolledBack(result.value);
    return result.value;
  });
  try {
    return mode === 'write' ? transaction.immediate() : transaction.deferred();
  } catch (error) {
    if (error instanceof RolledBack) return error.value as T;
    throw error;
  }
}
