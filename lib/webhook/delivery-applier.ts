import { CommitAnnouncer } from '../core/commit-announcer';
import { Injectable } from '@nestjs/common';
import { FlagState } from '../core/flag-state';
import { parseFlagSet } from '../evaluation';
import { pointer } from '../evaluation/validation-error';
import { NonFiniteNumberError } from '../core/canonical-json';
import {
  type ChangeDecision,
  type FlagSetChange,
  FlagStore,
  type StoredDefinition,
  type StoredFlagSet,
} from '../ports/flag-store';
import { InvalidChangeError } from '../ports/invalid-change.error';
import type { Delivery } from './delivery';
import type { DeliveryDecision } from './delivery-decision';
import type { FlagSetDocument } from '../core/flag-set-document';
import { planChange } from '../core/plan-change';

/** How often a snapshot is planned again after losing a race to another writer. */
const SNAPSHOT_ATTEMPTS = 3;

/** Who sent a delivery, from its verified token. @internal */
export interface DeliverySender {
  jti: string;
  sub?: string;
  /** The last second the token is accepted: the delivery id is remembered until then. */
  acceptedUntil: number;
}

/** A stored row the patch needs but cannot read (written by hand, or damaged). */
class UnreadableRowError extends Error {
  constructor(
    readonly path: string,
    what: string,
  ) {
    super(
      `the stored ${what} is not valid JSON, so a patch cannot be merged with it: send a ` +
        'snapshot (which replaces every row), or a patch that replaces or deletes it',
    );
  }
}

function parsedRow(text: string, path: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new UnreadableRowError(path, what);
  }
}

/** The stored definitions a patch keeps (those it neither replaces nor deletes), parsed. */
function keptDefinitions(
  entries: StoredDefinition[],
  replaced: Record<string, unknown>,
  deleted: string[],
  section: 'flags' | '$evaluators',
): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const { key, definition } of entries) {
    if (Object.hasOwn(replaced, key) || deleted.includes(key)) continue;
    const what = section === 'flags' ? `definition of flag "${key}"` : `evaluator "${key}"`;
    kept[key] = parsedRow(definition, pointer(`/${section}`, key), what);
  }
  return kept;
}

/** The flag set a delivery asks for, given what the store holds. */
function resultingDocument(current: StoredFlagSet, delivery: Delivery): FlagSetDocument {
  // A snapshot replaces everything: it reads none of the stored rows, so it can repair them.
  if (delivery.kind === 'snapshot') {
    return {
      flags: delivery.flags,
      $evaluators: delivery.$evaluators,
      ...(delivery.metadata ? { metadata: delivery.metadata } : {}),
    };
  }
  const metadata =
    current.metadata === null
      ? undefined
      : (parsedRow(current.metadata, '/metadata', 'flag set metadata') as Record<string, unknown>);
  const flags = {
    ...keptDefinitions(current.flags, delivery.upsert, delivery.delete, 'flags'),
    ...delivery.upsert,
  };
  // Deletions apply after upserts: a key in both ends up deleted.
  for (const key of delivery.delete) delete flags[key];
  const evaluators = {
    ...keptDefinitions(
      current.evaluators,
      delivery.$evaluators,
      delivery.deleteEvaluators,
      '$evaluators',
    ),
    ...delivery.$evaluators,
  };
  for (const name of delivery.deleteEvaluators) delete evaluators[name];
  return { flags, $evaluators: evaluators, ...(metadata ? { metadata } : {}) };
}

/**
 * Applies a verified delivery: validates the whole resulting flag set strictly, writes it in one
 * transaction of the store's (with the delivery id, so a replay changes nothing), then serves it
 * on this instance at once.
 * @internal
 */
@Injectable()
export class DeliveryApplier {
  constructor(
    private readonly store: FlagStore,
    private readonly state: FlagState,
    private readonly announcer: CommitAnnouncer,
  ) {}

  async apply(
    delivery: Delivery,
    sender: DeliverySender,
    at = new Date(),
  ): Promise<DeliveryDecision> {
    // A snapshot that lost a race with another writer is planned again on the newer state.
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.attempt(delivery, sender, at);
      const retry = outcome.status === 'conflict' && delivery.kind === 'snapshot';
      if (!retry || attempt === SNAPSHOT_ATTEMPTS) return outcome;
    }
  }

  private async attempt(
    delivery: Delivery,
    sender: DeliverySender,
    at: Date,
  ): Promise<DeliveryDecision> {
    const current = await this.store.load();
    if (delivery.revision <= current.revision) {
      return { status: 'unchanged', revision: current.revision };
    }
    if (delivery.kind === 'patch' && delivery.baseRevision !== current.revision) {
      return { status: 'conflict', currentRevision: current.revision };
    }
    let document: FlagSetDocument;
    try {
      document = resultingDocument(current, delivery);
    } catch (error) {
      if (!(error instanceof UnreadableRowError)) throw error;
      return { status: 'invalid', details: [{ path: error.path, message: error.message }] };
    }
    const parsed = parseFlagSet(document);
    if (!parsed.ok) return { status: 'invalid', details: parsed.errors };
    let change: FlagSetChange;
    let outcome: ChangeDecision;
    try {
      change = planChange(current, document, delivery.revision, {
        ...(sender.sub === undefined ? {} : { actor: sender.sub }),
        delivery: { id: sender.jti, expiresAt: new Date(sender.acceptedUntil * 1000) },
        at,
      });
      outcome = await this.store.apply(change);
    } catch (error) {
      // What the engine accepts but no store can hold (a key too long for its column, a number
      // JSON cannot represent): refused like any invalid delivery, since a retry cannot help.
      if (error instanceof InvalidChangeError || error instanceof NonFiniteNumberError) {
        return { status: 'invalid', details: [{ path: '', message: error.message }] };
      }
      throw error;
    }
    if (outcome.status === 'replayed') return outcome;
    if (outcome.status === 'conflict') {
      // Another writer moved past this delivery meanwhile: it is late, not conflicting.
      if (outcome.currentRevision >= delivery.revision) {
        return { status: 'unchanged', revision: outcome.currentRevision };
      }
      return { status: 'conflict', currentRevision: outcome.currentRevision };
    }
    // A shared evaluator or the metadata can change any flag; otherwise only those written.
    const narrow =
      change.metadata === undefined &&
      !outcome.changed.some((key) => key.startsWith('$evaluators/'));
    this.state.serve(
      {
        flagSet: parsed.flagSet,
        source: 'store',
        revision: delivery.revision,
        checksum: change.checksum,
        loadedAt: at,
      },
      narrow ? outcome.changed : undefined,
    );
    this.announcer.committed(delivery.revision);
    return { status: 'applied', revision: delivery.revision, changed: outcome.changed };
  }
}
