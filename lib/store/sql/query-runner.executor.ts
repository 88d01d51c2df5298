import type { DataSource, QueryRunner } from 'typeorm';
import type { Deadline } from './operation-bound';
import type { SqlDialect } from './sql-dialect';
import { driveAsync, type Row, type Work } from './sql-work';

/** A transaction isolation level, as TypeORM names it. @internal */
export type IsolationLevel = NonNullable<Parameters<QueryRunner['startTransaction']>[0]>;

/** What TypeORM's PostgreSQL and MySQL query runners hold, to give a connection up. */
interface HeldConnection {
  databaseConnection?: {
    destroy?: () => void;
    connection?: { stream?: { destroy(): void } };
  };
  releasePostgresConnection?: (error: Error) => Promise<void>;
}

/**
 * Destroys the runner's connection rather than return it to the pool: it is stuck in a query (or
 * a transaction) the database may never answer, and a pool must not hand it to the host.
 */
function destroyConnection(runner: QueryRunner, error: Error): void {
  const held = runner as unknown as HeldConnection;
  try {
    // mysql2 removes the connection from its pool; pg's socket is closed under the client.
    held.databaseConnection?.destroy?.();
    held.databaseConnection?.connection?.stream?.destroy();
    // pg's pool drops a client released with an error.
    void held.releasePostgresConnection?.(error);
  } catch {
    // The connection is going away whatever failed here.
  }
}

/**
 * The database's own bounds for one transaction, so that a statement or a lock wait cut by the
 * deadline ends on the server too, and rolls back there. Returns what restores the session
 * afterwards (MySQL's settings are the session's, and the connection goes back to the host).
 */
async function boundTransaction(
  runner: QueryRunner,
  dialect: SqlDialect,
  ms: number,
): Promise<() => Promise<void>> {
  if (dialect.name === 'postgres') {
    // SET LOCAL ends with the transaction.
    await runner.query(
      `SET LOCAL statement_timeout = ${ms}; SET LOCAL lock_timeout = ${ms}; ` +
        `SET LOCAL idle_in_transaction_session_timeout = ${ms}`,
    );
    return async () => undefined;
  }
  const [saved] = (await runner.query('SELECT @@SESSION.innodb_lock_wait_timeout AS t')) as Array<{
    t: number;
  }>;
  await runner.query(`SET SESSION innodb_lock_wait_timeout = ${Math.max(1, Math.ceil(ms / 1000))}`);
  return async () => {
    await runner.query(`SET SESSION innodb_lock_wait_timeout = ${Number(saved.t)}`);
  };
}

/**
 * Runs a unit of work on a QueryRunner of its own (its own pooled connection, never the host's
 * transaction), inside a transaction at `isolation`, or in autocommit when it is a single read,
 * within `deadline`: when it passes, the connection is destroyed, which ends the work with an
 * error and rolls its transaction back (on the server too, as soon as it notices).
 * @internal
 */
export async function runOnQueryRunner<T>(
  dataSource: DataSource,
  dialect: SqlDialect,
  isolation: IsolationLevel | 'autocommit',
  work: Work<T>,
  deadline: Deadline,
): Promise<T> {
  const runner = dataSource.createQueryRunner('master');
  let destroyed = false;
  const giveUp = () => {
    destroyed = true;
    destroyConnection(runner, deadline.signal.reason as Error);
  };
  const run = async (statement: { sql: string; params: unknown[] }): Promise<Row[]> => {
    const result = await runner.query(dialect.render(statement.sql), statement.params, true);
    return Array.isArray(result.records) ? (result.records as Row[]) : [];
  };
  try {
    await runner.connect();
    // A connection obtained after the deadline goes back to the pool unused.
    if (deadline.signal.aborted) throw deadline.signal.reason;
    deadline.signal.addEventListener('abort', giveUp, { once: true });
    if (isolation === 'autocommit') return (await driveAsync(work, run)).value;
    await runner.startTransaction(isolation);
    let restore: () => Promise<void> = async () => undefined;
    try {
      restore = await boundTransaction(runner, dialect, deadline.remaining());
      const result = await driveAsync(work, run);
      if (result.commit) await runner.commitTransaction();
      else await runner.rollbackTransaction();
      await restore();
      return result.value;
    } catch (error) {
      // The original error is what matters; a rollback on a broken connection fails as well.
      if (!destroyed && runner.isTransactionActive) {
        await runner.rollbackTransaction().catch(() => undefined);
      }
      if (!destroyed) await restore().catch(giveUp);
      throw error;
    }
  } finally {
    deadline.signal.removeEventListener('abort', giveUp);
    if (!destroyed) await runner.release().catch(() => undefined);
  }
}
