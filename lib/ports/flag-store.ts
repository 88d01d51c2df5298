import type { DeliveryRecord } from './delivery-ledger';

/**
 * One flag, or one shared evaluator, as stored: its definition is the JSON text exactly as the
 * control plane sent it, so what is stored round-trips byte for byte.
 * @publicApi
 */
export interface StoredDefinition {
  key: string;
  definition: string;
  /** When this definition last changed; filled in by `load()`, ignored by `apply()`. */
  updatedAt?: Date;
}

/** The version of the stored flag set. @publicApi */
export interface StoreState {
  /** Increases with every applied change; 0 for a store never written. */
  revision: number;
  /** Hex SHA-256 of the canonical JSON of `{ flags, $evaluators }`; '' for a store never written. */
  checksum: string;
  updatedAt: Date | null;
}

/** Everything the store holds, read in one consistent view. @publicApi */
export interface StoredFlagSet extends StoreState {
  flags: StoredDefinition[];
  evaluators: StoredDefinition[];
  /** The flag set's metadata as JSON text, or null. */
  metadata: string | null;
}

/**
 * A change to apply atomically: all of it or none of it.
 * @publicApi
 */
export interface FlagSetChange {
  /** Applied only when the stored revision still equals this (optimistic concurrency). */
  baseRevision: number;
  /** The revision after the change; greater than `baseRevision`. */
  revision: number;
  /** The checksum of the resulting flag set. */
  checksum: string;
  /** The new flag set metadata (JSON text or null); undefined leaves it as it is. */
  metadata?: string | null;
  upsertFlags: StoredDefinition[];
  deleteFlags: string[];
  upsertEvaluators: StoredDefinition[];
  deleteEvaluators: string[];
  /** Who made the change (the token's `sub`), for the change log. */
  actor?: string;
  /**
   * The delivery that carries the change (the token's `jti`): recorded in the same transaction,
   * and a delivery already recorded makes the change `replayed` and changes nothing.
   */
  delivery?: DeliveryRecord;
  at: Date;
}

/** What the store decided about a change: applied, or refused as a conflict or a replay. @publicApi */
export type ChangeDecision =
  | {
      status: 'applied';
      /** Flag keys and `$evaluators/<name>` entries whose stored definition changed. */
      changed: string[];
    }
  | { status: 'conflict'; currentRevision: number }
  | { status: 'replayed' };

/** One entry of the change log, kept for `changeLogRetentionDays`. @publicApi */
export interface ChangeRecord {
  id: number;
  revision: number;
  /** 'flag', 'evaluator' or 'metadata'. */
  kind: 'flag' | 'evaluator' | 'metadata';
  key: string;
  before: string | null;
  after: string | null;
  actor: string | null;
  deliveryId: string | null;
  at: Date;
}

/**
 * Where flag definitions live. The TypeORM store keeps them in the host's database; the in-memory
 * store serves tests and database-less apps. Reads are never on the evaluation path: the module
 * loads a snapshot into memory and evaluates from there.
 * @publicApi
 */
export abstract class FlagStore {
  /** The current revision and checksum: a cheap read, used to notice changes. */
  abstract state(): Promise<StoreState>;
  /** Every definition, consistent with the state it returns. */
  abstract load(): Promise<StoredFlagSet>;
  /** Applies a change in one transaction of the store's own. */
  abstract apply(change: FlagSetChange): Promise<ChangeDecision>;
  /** The change log, oldest first, entries with an id greater than `afterId`. */
  abstract changes(afterId: number, limit: number): Promise<ChangeRecord[]>;
  /**
   * The change log, oldest first, entries of revisions after `revision`: what an instance
   * serving `revision` lacks. Changes commit in revision order, so no entry older than the
   * newest one returned can appear later.
   */
  abstract changesSince(revision: number, limit: number): Promise<ChangeRecord[]>;
  /**
   * Deletes the change-log entries recorded before `before` (their `at`), the newest of a key's
   * included: the log is history, the stored definitions are what counts. A long log goes in
   * batches, each in a short transaction of its own, so deliveries never wait for the purge.
   */
  abstract forgetChanges(before: Date): Promise<void>;

  /**
   * Calls `onChange` soon after any instance commits a change, where the database can announce
   * it (PostgreSQL's LISTEN/NOTIFY); also after the announcements may have been missed (a
   * reconnection). Instances poll `state()` as well, so a store that cannot announce changes
   * needs nothing here. Returns what stops watching.
   *
   * `onError`, when given, is called each time the announcements are interrupted (a lost
   * connection, or one that cannot be opened), before the store tries again by itself: the
   * module counts these in its `feature_flag_notify_errors_total` metric and polls often until
   * `onListening` is called. `onListening` is called each time the announcements (re)start,
   * before the `onChange` that follows; while they run, instances poll `state()` only rarely, so
   * a store that calls it must also notice a connection that dies silently.
   * @example const stop = store.watch(() => refresh(), (error) => logger.debug(error.message));
   */
  watch(
    onChange: () => void,
    onError?: (error: Error) => void,
    onListening?: () => void,
  ): () => Promise<void> {
    void onChange;
    void onError;
    void onListening;
    return async () => undefined;
  }

  /**
   * A name equal for every instance on the same stored flags and different for other stores,
   * from which the module names the Redis channel its instances share (`sync.redis`). Undefined
   * when the store cannot tell: `sync.redis.channel` must then be given.
   */
  identity(): string | undefined {
    return undefined;
  }
}
