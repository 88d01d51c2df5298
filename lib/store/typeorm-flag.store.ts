import type { DataSource } from 'typeorm';
import { FlagTablesMissingError } from './flag-tables-missing.error';
import {
  type ChangeDecision,
  type ChangeRecord,
  type FlagSetChange,
  FlagStore,
  type StoredFlagSet,
  type StoreState,
} from '../ports/flag-store';
import { type DeliveryLedger, type DeliveryRecord } from '../ports/delivery-ledger';
import { type UsageCount, type UsageStore } from '../ports/usage-store';
import { InvalidChangeError } from '../ports/invalid-change.error';
import { applyWork } from './sql/apply-work';
import { runOnBetterSqlite3 } from './sql/better-sqlite3.executor';
import { forgetChangesWork } from './sql/change-log-work';
import { rememberDeliveryWork } from './sql/delivery-work';
import {
  DataSourceNotInitializedError,
  isConnectionFailure,
  isDataTooLong,
  isMissingTable,
  isRetryable,
} from './sql/driver-errors';
import { StoreUnreachableError } from '../ports/store-unreachable.error';
import { type Deadline, OperationBound } from './sql/operation-bound';
import { DEFAULT_STORE_CONNECTIONS, DEFAULT_STORE_TIMEOUT_MS } from './store-options';
import { PostgresChangeListener } from './sql/postgres-change-listener';
import { flagTables } from './sql/flag-tables';
import { storeIdentity } from './sql/store-identity';
import { type IsolationLevel, runOnQueryRunner } from './sql/query-runner.executor';
import { changesWork, loadWork, stateWork } from './sql/read-work';
import type { SqlContext } from './sql/sql-context';
import { dialectOf, type SqlDialect } from './sql/sql-dialect';
import type { Work } from './sql/sql-work';
import { forgetUsageWork, lastEvaluationsWork, recordUsageWork, usageWork } from './sql/usage-work';
import { toUtcText } from './sql/utc-text';
import { STORE_LIMITS } from '../ports/store-limits';
import {
  assertValidChange,
  assertValidDay,
  assertValidDelivery,
  assertValidInstant,
  assertValidPage,
  assertValidUsage,
} from './validate-change';

type Access = 'single-read' | 'read' | 'write';

/*
 * Isolation per access. Writes queue on the state row lock, so they only need to see what
 * committed before they got it: READ COMMITTED on PostgreSQL; on MySQL the default REPEATABLE
 * READ does the same (its snapshot starts at the first plain read, after the lock), and READ
 * COMMITTED would fail on servers logging statements. Multi-statement reads need one snapshot.
 * Usage writes read nothing and take no state row lock: each upsert adds to the row it locks.
 */
const ISOLATION: Record<'postgres' | 'mysql', Record<Access, IsolationLevel | 'autocommit'>> = {
  postgres: { 'single-read': 'autocommit', read: 'REPEATABLE READ', write: 'READ COMMITTED' },
  mysql: { 'single-read': 'autocommit', read: 'REPEATABLE READ', write: 'REPEATABLE READ' },
};

/** Attempts of a write the database aborted to break a deadlock. */
const WRITE_ATTEMPTS = 3;

/**
 * Keeps the flags in the host application's own database (PostgreSQL, MySQL/MariaDB or SQLite
 * through better-sqlite3), in the tables FLAG_MIGRATIONS creates. Every call runs in a
 * transaction of its own, never in one of the host's; a change applies whole or not at all.
 *
 * @example
 * const store = new TypeOrmFlagStore(dataSource);
 * const { revision, flags } = await store.load();
 * @publicApi
 */
export class TypeOrmFlagStore extends FlagStore implements DeliveryLedger, UsageStore {
  private readonly dialect: SqlDialect;
  private readonly bound: OperationBound;

  /**
   * @param options `timeoutMs`: how long one operation may take, waiting for a connection
   *   included (default 5000); `connections`: how many connections of the DataSource's pool the
   *   store's operations hold at once at most, besides PostgreSQL's LISTEN connection (default 2).
   */
  constructor(
    private readonly dataSource: DataSource,
    options: { timeoutMs?: number; connections?: number } = {},
  ) {
    super();
    this.dialect = dialectOf(dataSource);
    this.bound = new OperationBound(
      options.timeoutMs ?? DEFAULT_STORE_TIMEOUT_MS,
      options.connections ?? DEFAULT_STORE_CONNECTIONS,
    );
  }

  state(): Promise<StoreState> {
    return this.run('single-read', (context) => stateWork(context));
  }

  load(): Promise<StoredFlagSet> {
    return this.run('read', (context) => loadWork(context));
  }

  // async: a refused change rejects, it does not throw at the call.
  async apply(change: FlagSetChange): Promise<ChangeDecision> {
    assertValidChange(change);
    try {
      return await this.write((context) => applyWork(context, change));
    } catch (error) {
      if (!isDataTooLong(error)) throw error;
      // Only a text column the migrations have not widened yet is this short.
      throw new InvalidChangeError(
        `${(error as Error).message}: run the migrations in FLAG_MIGRATIONS, which let MySQL ` +
          `hold definitions of up to ${STORE_LIMITS.textBytes} bytes`,
      );
    }
  }

  async rememberDelivery(delivery: DeliveryRecord, at = new Date()): Promise<boolean> {
    assertValidDelivery(delivery, at);
    return this.write((context) => rememberDeliveryWork(context, delivery, at));
  }

  async changes(afterId: number, limit: number): Promise<ChangeRecord[]> {
    assertValidPage(afterId, limit);
    return this.run('single-read', (context) => changesWork(context, { id: afterId }, limit));
  }

  async changesSince(revision: number, limit: number): Promise<ChangeRecord[]> {
    assertValidPage(revision, limit);
    return this.run('single-read', (context) => changesWork(context, { revision }, limit));
  }

  async forgetChanges(before: Date): Promise<void> {
    assertValidInstant('forgetChanges()', before);
    const cutoff = toUtcText(before);
    // A transaction per batch: no lock is held for the whole purge.
    for (let more = true; more;) {
      more = await this.write((context) => forgetChangesWork(context, cutoff));
    }
  }

  async recordUsage(counts: UsageCount[]): Promise<void> {
    assertValidUsage(counts);
    if (counts.length === 0) return;
    await this.write((context) => recordUsageWork(context, counts));
  }

  async usage(sinceDay: string): Promise<UsageCount[]> {
    assertValidDay('usage()', sinceDay);
    return this.run('single-read', (context) => usageWork(context, sinceDay));
  }

  lastEvaluations(): Promise<Array<{ flagKey: string; lastEvaluatedAt: Date }>> {
    return this.run('single-read', (context) => lastEvaluationsWork(context));
  }

  async forgetUsage(beforeDay: string): Promise<void> {
    assertValidDay('forgetUsage()', beforeDay);
    await this.write((context) => forgetUsageWork(context, beforeDay));
  }

  /**
   * On PostgreSQL, LISTENs on a connection of the DataSource's pool, held until stopped and
   * checked with `SELECT 1` about every 30 s.
   */
  override watch(
    onChange: () => void,
    onError?: (error: Error) => void,
    onListening?: () => void,
  ): () => Promise<void> {
    if (this.dialect.name !== 'postgres') return super.watch(onChange, onError, onListening);
    const payload = flagTables(this.dataSource, this.dialect).state;
    const listener = new PostgresChangeListener(
      this.dataSource,
      payload,
      { onChange, onError, onListening },
      { timeoutMs: this.bound.timeoutMs },
    );
    listener.start();
    return () => listener.stop();
  }

  /** Its database, schema and state table, hashed (see `storeIdentity`). */
  override identity(): string {
    const options = this.dataSource.options as unknown as Record<string, unknown>;
    return storeIdentity(options, flagTables(this.dataSource, this.dialect).state);
  }

  private write<T>(work: (context: SqlContext) => Work<T>): Promise<T> {
    return this.run('write', work);
  }

  private async run<T>(access: Access, work: (context: SqlContext) => Work<T>): Promise<T> {
    if (!this.dataSource.isInitialized) {
      throw new StoreUnreachableError(new DataSourceNotInitializedError());
    }
    // Resolved per call: cheap, and always after the DataSource built its entity metadata.
    const context = { dialect: this.dialect, tables: flagTables(this.dataSource, this.dialect) };
    try {
      return await this.bound.run((deadline) => {
        if (this.dialect.name === 'sqlite') {
          const mode = access === 'write' ? 'write' : 'read';
          return runOnBetterSqlite3(this.dataSource, mode, () => work(context), deadline);
        }
        return this.onQueryRunner(access, () => work(context), deadline);
      });
    } catch (error) {
      if (isMissingTable(error)) throw new FlagTablesMissingError(error);
      if (isConnectionFailure(error)) throw new StoreUnreachableError(error);
      throw error;
    }
  }

  /** Runs the work again (within the same deadline) when the database aborted it for a deadlock. */
  private async onQueryRunner<T>(access: Access, work: () => Work<T>, deadline: Deadline) {
    const isolation = ISOLATION[this.dialect.name as 'postgres' | 'mysql'][access];
    for (let attempt = 1; ; attempt++) {
      try {
        return await runOnQueryRunner(this.dataSource, this.dialect, isolation, work(), deadline);
      } catch (error) {
        if (attempt >= WRITE_ATTEMPTS || !isRetryable(error) || deadline.signal.aborted)
          throw error;
      }
    }
  }
}
