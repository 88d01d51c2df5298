import {
  type ChangeDecision,
  type ChangeRecord,
  type DeliveryLedger,
  type DeliveryRecord,
  type FlagSetChange,
  FlagStore,
  InMemoryFlagStore,
  StoreUnreachableError,
  type StoreState,
  type StoredFlagSet,
  type UsageCount,
  type UsageStore,
} from '../../lib';

/** An in-memory store whose reads can be made to fail or hang, to play a database outage. */
export class ControllableStore extends FlagStore implements DeliveryLedger, UsageStore {
  readonly inner = new InMemoryFlagStore();
  /**
   * `down`: connections refused; `hang`: no answer; `refusing`: the database answers but refuses
   * every statement (as PostgreSQL refuses a value too long for its column).
   */
  mode: 'up' | 'down' | 'hang' | 'refusing' = 'up';
  loads = 0;

  private gate<T>(work: () => Promise<T>): Promise<T> {
    if (this.mode === 'down') {
      // As the TypeORM store reports a refused connection.
      const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
        code: 'ECONNREFUSED',
      });
      return Promise.reject(new StoreUnreachableError(refused));
    }
    if (this.mode === 'hang') return new Promise<T>(() => undefined);
    if (this.mode === 'refusing') {
      const refused = Object.assign(new Error('value too long for type character varying(255)'), {
        code: '22001',
      });
      return Promise.reject(refused);
    }
    return work();
  }

  state(): Promise<StoreState> {
    return this.gate(() => this.inner.state());
  }

  load(): Promise<StoredFlagSet> {
    this.loads++;
    return this.gate(() => this.inner.load());
  }

  apply(change: FlagSetChange): Promise<ChangeDecision> {
    return this.gate(() => this.inner.apply(change));
  }

  rememberDelivery(delivery: DeliveryRecord, at?: Date): Promise<boolean> {
    return this.gate(() => this.inner.rememberDelivery(delivery, at));
  }

  changes(afterId: number, limit: number): Promise<ChangeRecord[]> {
    return this.gate(() => this.inner.changes(afterId, limit));
  }

  changesSince(revision: number, limit: number): Promise<ChangeRecord[]> {
    return this.gate(() => this.inner.changesSince(revision, limit));
  }

  forgetChanges(before: Date): Promise<void> {
    return this.gate(() => this.inner.forgetChanges(before));
  }

  recordUsage(counts: UsageCount[]): Promise<void> {
    return this.gate(() => this.inner.recordUsage(counts));
  }

  usage(sinceDay: string): Promise<UsageCount[]> {
    return this.gate(() => this.inner.usage(sinceDay));
  }

  lastEvaluations(): Promise<Array<{ flagKey: string; lastEvaluatedAt: Date }>> {
    return this.gate(() => this.inner.lastEvaluations());
  }

  forgetUsage(beforeDay: string): Promise<void> {
    return this.gate(() => this.inner.forgetUsage(beforeDay));
  }
}
