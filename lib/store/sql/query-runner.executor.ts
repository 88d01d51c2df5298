import type { DataSource, QueryRunner } from 'typeorm';
import type { SqlDialect } from './sql-dialect';
import { driveAsync, type Row, type Work } from './sql-work';

/** A transaction isolation level, as TypeORM names it. @internal */
export type IsolationLevel = NonNullable<Parameters<QueryRunner['startTransaction']>[0]>;

/**
 * Runs a unit of work on a QueryRunner of its own (its own pooled connection, never the host's
 * transaction), inside a transaction at `isolation`, or in autocommit when it is a single read.
 * @internal
 */
export async function runOnQueryRunner<T>(
  dataSource: DataSource,
  dialect: SqlDialect,
  isolation: IsolationLevel | 'autocommit',
  work: Work<T>,
): Promise<T> {
  const runner = dataSource.createQueryRunner('master');
  const run = async (statement: { sql: string; params: unknown[] }): Promise<Row[]> => {
    const result = await runner.query(dialect.render(statement.sql), statement.params, true);
    return Array.isArray(result.records) ? (result.records as Row[]) : [];
  };
  try {
    await runner.connect();
    if (isolation === 'autocommit') return (await driveAsync(work, run)).value;
    await runner.startTransaction(isolation);
    try {
      const result = await driveAsync(work, run);
      if (result.commit) await runner.commitTransaction();
      else await runner.rollbackTransaction();
      return result.value;
    } catch (error) {
      // The original error is what matters; a rollback on a broken connection fails as well.
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    }
  } finally {
    await runner.release().catch(() => undefined);
  }
}
