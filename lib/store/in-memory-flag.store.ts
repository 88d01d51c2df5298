import { appliedOutcome, changeEntries, metadataEntry } from './change-entries';
import {
  type ApplyOutcome,
  type ChangeRecord,
  type DeliveryRecord,
  type FlagSetChange,
  FlagStore,
  type StoredDefinition,
  type StoredFlagSet,
  type StoreState,
} from './flag-store';
import { assertValidChange, assertValidDelivery, assertValidPage } from './validate-change';

const sorted = (entries: Map<string, string>): StoredDefinition[] =>
  [...entries.keys()].sort().map((key) => ({ key, definition: entries.get(key) as string }));

/**
 * Keeps the flags in process memory, with the same semantics as {@link TypeOrmFlagStore}: for
 * tests, and for applications without a database (flags are then lost on restart).
 *
 * @example
 * FlagsModule.forRoot({ store: new InMemoryFlagStore() })
 * @publicApi
 */
export class InMemoryFlagStore extends FlagStore {
  private revision = 0;
  private checksum = '';
  private updatedAt: Date | null = null;
  private metadata: string | null = null;
  private readonly flags = new Map<string, string>();
  private readonly evaluators = new Map<string, string>();
  /** Delivery ids and when they may be forgotten. */
  private readonly deliveries = new Map<string, Date>();
  private readonly log: ChangeRecord[] = [];

  async state(): Promise<StoreState> {
    return this.currentState();
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
  async apply(change: FlagSetChange): Promise<ApplyOutcome> {
    assertValidChange(change);
    if (change.delivery !== undefined && this.deliveries.has(change.delivery.id)) {
      return { status: 'replayed' };
    }
    if (change.baseRevision !== this.revision) {
      return { status: 'conflict', currentRevision: this.revision };
    }
    const flags = changeEntries('flag', this.flags, change.upsertFlags, change.deleteFlags);
    const evaluators = changeEntries(
      'evaluator',
      this.evaluators,
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
      else target.set(entry.key, entry.after);
      this.log.push({
        id: this.log.length + 1,
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
