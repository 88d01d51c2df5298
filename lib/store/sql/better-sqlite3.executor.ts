import type { DataSource } from 'typeorm';
import type { Deadline } from './operation-bound';
import { driveSync, type Row, type Statement, type Work } from './sql-work';

/** The part of a better-sqlite3 Database the store uses. */
interface SqliteDatabase {
  readonly inTransaction: boolean;
  pragma(source: string, options?: { simple: boolean }): unknown;
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

/** How long to wait before trying a locked database again. */
const BUSY_RETRY_MS = 10;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^SQLITE_(BUSY|LOCKED)/.test(code);
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
 * reading the revision, so writers in other processes queue too.
 *
 * A database locked by another process is waited for within `deadline`, but never by SQLite's
 * busy timeout, which would block the event loop (and every evaluation) while it waits: the
 * transaction runs with a busy timeout of 0 and is tried again, asynchronously, until it gets the
 * lock or the deadline passes (then SQLITE_BUSY: the store reports the database unreachable).
 * @internal
 */
export async function runOnBetterSqlite3<T>(
  dataSource: DataSource,
  mode: 'read' | 'write',
  work: () => Work<T>,
  deadline: Deadline,
): Promise<T> {
  const db = (dataSource.driver as unknown as { databaseConnection: SqliteDatabase })
    .databaseConnection;
  for (;;) {
    // A write must not become a savepoint of a transaction the host has open on the connection:
    // wait for it to end. The check sits right before the synchronous transaction, with no await
    // between.
    while (mode === 'write' && db.inTransaction) {
      if (deadline.signal.aborted) {
        throw new Error(
          'TypeOrmFlagStore: the application kept a transaction open on the SQLite connection ' +
            'past the store timeout; the flag change was not applied. (Is a flag change awaited inside it?)',
        );
      }
      await sleep(5);
    }
    if (deadline.signal.aborted) throw deadline.signal.reason;
    try {
      return runLocked(dataSource, db, mode, work());
    } catch (error) {
      if (!isBusy(error)) throw error;
      if (deadline.remaining() <= BUSY_RETRY_MS) throw error;
      await sleep(BUSY_RETRY_MS);
    }
  }
}

/** One attempt, with SQLite's busy timeout off for its duration (and restored after). */
function runLocked<T>(
  dataSource: DataSource,
  db: SqliteDatabase,
  mode: 'read' | 'write',
  work: Work<T>,
): T {
  const transaction = db.transaction(() => {
    const result = driveSync(work, (statement) => execute(dataSource, db, statement));
    if (!result.commit) throw new RolledBack(result.value);
    return result.value;
  });
  const busyTimeout = db.pragma('busy_timeout', { simple: true });
  db.pragma('busy_timeout = 0');
  try {
    return mode === 'write' ? transaction.immediate() : transaction.deferred();
  } catch (error) {
    if (error instanceof RolledBack) return error.value as T;
    throw error;
  } finally {
    db.pragma(`busy_timeout = ${Number(busyTimeout)}`);
  }
}
