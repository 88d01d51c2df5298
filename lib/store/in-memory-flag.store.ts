import { randomUUID } from 'node:crypto';
import { appliedOutcome, changeEntries, metadataEntry } from './change-entries';
import {
  type ChangeDecision,
  type ChangeRecord,
  type FlagSetChange,
  FlagStore,
  type StoredDefinition,
  type StoredFlagSet,
  type StoreState,
} from '../ports/flag-store';
import { type DeliveryLedger, type DeliveryRecord } from '../ports/delivery-ledger';
import { type UsageCount, type UsageStore } from '../ports/usage-store';
import { byFlagDayVariant, later, usageKey } from './usage-counts';
import {
  assertValidChange,
  assertValidDay,
  assertValidDelivery,
  assertValidInstant,
  assertValidPage,
  assertValidUsage,
} from './validate-change';

/** A stored definition: its text, and when that last changed. */
interface Held {
  definition: string;
  updatedAt: Date;
}

const sorted = (entries: Map<string, Held>): StoredDefinition[] =>
  [...entries.keys()].sort().map((key) => {
    const { definition, updatedAt } = entries.get(key) as Held;
    return { key, definition, updatedAt: new Date(updatedAt) };
  });

const texts = (entries: Map<string, Held>): Map<string, string> =>
  new Map([...entries].map(([key, held]) => [key, held.definition]));

const copy = (count: UsageCount): UsageCount => ({
  ...count,
  lastEvaluatedAt: new Date(count.lastEvaluatedAt),
});

/**
 * Keeps the flags in process memory, with the same semantics as {@link TypeOrmFlagStore}: for
 * tests, and for applications without a database (flags are then lost on restart).
 *
 * @example
 * FlagsModule.forRoot({ store: new InMemoryFlagStore() })
 * @publicApi
 */
export class InMemoryFlagStore extends FlagStore implements DeliveryLedger, UsageStore {
  private revision = 0;
  private checksum = '';
  private updatedAt: Date | null = null;
  private metadata: string | null = null;
  private readonly flags = new Map<string, Held>();
  private readonly evaluators = new Map<string, Held>();
  /** Usage counts by {@link usageKey}. */
  private readonly counts = new Map<string, UsageCount>();
  /** Delivery ids and when they may be forgotten. */
  private readonly deliveries = new Map<string, Date>();
  private log: ChangeRecord[] = [];
  /** Ids are never reused, even once the entries holding them are forgotten. */
  private nextChangeId = 1;
  private readonly name = randomUUID();

  async state(): Promise<StoreState> {
    return this.currentState();
  }

  /** Its own per object: the instances sharing this object are the ones sharing its flags. */
  override identity(): string {
    return this.name;
  }

  async load(): Promise<StoredFlagSet> {
    return {
      ...this.currentState(),
      metadata: this.metadata,
      flags: sorted(this.flags),
      evaluators: sorted(this.evaluators),
    };
  }

  /** Checks everything, then mutates with no await in between: a change applies whole. */
  async apply(change: FlagSetChange): Promise<ChangeDecision> {
    assertValidChange(change);
    if (change.delivery !== undefined && this.deliveries.has(change.delivery.id)) {
      return { status: 'replayed' };
    }
    if (change.baseRevision !== this.revision) {
      return { status: 'conflict', currentRevision: this.revision };
    }
    const flags = changeEntries('flag', texts(this.flags), change.upsertFlags, change.deleteFlags);
    const evaluators = changeEntries(
      'evaluator',
      texts(this.evaluators),
      change.upsertEvaluators,
      change.deleteEvaluators,
    );
    const entries = [...flags, ...evaluators, ...metadataEntry(this.metadata, change.metadata)];

    this.forgetExpiredDeliveries(change.at);
    if (change.delivery !== undefined) {
      this.deliveries.set(change.delivery.id, new Date(change.delivery.expiresAt));
    }
    for (const entry of entries) {
      const target = entry.kind === 'flag' ? this.flags : this.evaluators;
      if (entry.kind === 'metadata') this.metadata = entry.after;
      else if (entry.after === null) target.delete(entry.key);
      else target.set(entry.key, { definition: entry.after, updatedAt: new Date(change.at) });
      this.log.push({
        id: this.nextChangeId++,
        revision: change.revision,
        ...entry,
        actor: change.actor ?? null,
        deliveryId: change.delivery?.id ?? null,
        at: new Date(change.at),
      });
    }
    this.revision = change.revision;
    this.checksum = change.checksum;
    this.updatedAt = new Date(change.at);
    return appliedOutcome(entries);
  }

  async rememberDelivery(delivery: DeliveryRecord, at = new Date()): Promise<boolean> {
    assertValidDelivery(delivery, at);
    this.forgetExpiredDeliveries(at);
    if (this.deliveries.has(delivery.id)) return false;
    this.deliveries.set(delivery.id, new Date(delivery.expiresAt));
    return true;
  }

  async changes(afterId: number, limit: number): Promise<ChangeRecord[]> {
    assertValidPage(afterId, limit);
    return this.page((record) => record.id > afterId, limit);
  }

  async changesSince(revision: number, limit: number): Promise<ChangeRecord[]> {
    assertValidPage(revision, limit);
    return this.page((record) => record.revision > revision, limit);
  }

  async forgetChanges(before: Date): Promise<void> {
    assertValidInstant('forgetChanges()', before);
    this.log = this.log.filter((record) => record.at.getTime() >= before.getTime());
  }

  /** Checks everything, then adds with no await in between: all of the counts or none. */
  async recordUsage(counts: UsageCount[]): Promise<void> {
    assertValidUsage(counts);
    for (const entry of counts) {
      const key = usageKey(entry);
      const stored = this.counts.get(key);
      this.counts.set(
        key,
        stored === undefined
          ? copy(entry)
          : {
              ...stored,
              count: stored.count + entry.count,
              lastEvaluatedAt: new Date(later(stored.lastEvaluatedAt, entry.lastEvaluatedAt)),
            },
      );
    }
  }

  async usage(sinceDay: string): Promise<UsageCount[]> {
    assertValidDay('usage()', sinceDay);
    return [...this.counts.values()]
      .filter((entry) => entry.day >= sinceDay)
      .sort(byFlagDayVariant)
      .map(copy);
  }

  async lastEvaluations(): Promise<Array<{ flagKey: string; lastEvaluatedAt: Date }>> {
    const latest = new Map<string, Date>();
    for (const { flagKey, lastEvaluatedAt } of this.counts.values()) {
      latest.set(flagKey, later(latest.get(flagKey) ?? lastEvaluatedAt, lastEvaluatedAt));
    }
    return [...latest.keys()]
      .sort()
      .map((flagKey) => ({ flagKey, lastEvaluatedAt: new Date(latest.get(flagKey) as Date) }));
  }

  async forgetUsage(beforeDay: string): Promise<void> {
    assertValidDay('forgetUsage()', beforeDay);
    for (const [key, entry] of this.counts) {
      if (entry.day < beforeDay) this.counts.delete(key);
    }
  }

  private page(wanted: (record: ChangeRecord) => boolean, limit: number): ChangeRecord[] {
    return this.log
      .filter(wanted)
      .slice(0, limit)
      .map((record) => ({ ...record, at: new Date(record.at) }));
  }

  private forgetExpiredDeliveries(at: Date): void {
    for (const [id, expiresAt] of this.deliveries) {
      if (expiresAt < at) this.deliveries.delete(id);
    }
  }

  private currentState(): StoreState {
    const updatedAt = this.updatedAt === null ? null : new Date(this.updatedAt);
    return { revision: this.revision, checksum: this.checksum, updatedAt };
  }
}
