import { Injectable } from '@nestjs/common';
import { FlagCache } from '../cache/flag-cache';
import { parseFlagSet } from '../evaluation';
import { NonFiniteNumberError } from '../store/canonical-json';
import {
  type ApplyOutcome,
  type FlagSetChange,
  FlagStore,
  type StoredDefinition,
  type StoredFlagSet,
} from '../store/flag-store';
import { InvalidChangeError } from '../store/invalid-change.error';
import type { Delivery } from '../webhook/delivery';
import type { DeliveryOutcome } from './delivery-outcome';
import type { FlagSetDocument } from './flag-set-document';
import { planSnapshot } from './plan-snapshot';

/** How often a snapshot is planned again after losing a race to another writer. */
const SNAPSHOT_ATTEMPTS = 3;

/** Who sent a delivery, from its verified token. @internal */
export interface DeliverySender {
  jti: string;
  sub?: string;
  /** The last second the token is accepted: the delivery id is remembered until then. */
  acceptedUntil: number;
}

function parsedDefinitions(entries: StoredDefinition[]): Record<string, unknown> {
  return Object.fromEntries(entries.map(({ key, definition }) => [key, JSON.parse(definition)]));
}

/** The flag set a delivery asks for, given what the store holds. */
function resultingDocument(current: StoredFlagSet, delivery: Delivery): FlagSetDocument {
  const metadata =
    current.metadata === null
      ? undefined
      : (JSON.parse(current.metadata) as Record<string, unknown>);
  if (delivery.kind === 'snapshot') {
    return {
      flags: delivery.flags,
      $evaluators: delivery.$evaluators,
      ...(delivery.metadata ? { metadata: delivery.metadata } : {}),
    };
  }
  const flags = { ...parsedDefinitions(current.flags), ...delivery.upsert };
  for (const key of delivery.delete) delete flags[key];
  const evaluators = { ...parsedDefinitions(current.evaluators), ...delivery.$evaluators };
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
    private readonly cache: FlagCache,
  ) {}

  async apply(
    delivery: Delivery,
    sender: DeliverySender,
    at = new Date(),
  ): Promise<DeliveryOutcome> {
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
  ): Promise<DeliveryOutcome> {
    const current = await this.store.load();
    if (delivery.revision <= current.revision) {
      return { status: 'unchanged', revision: current.revision };
    }
    if (delivery.kind === 'patch' && delivery.baseRevision !== current.revision) {
      return { status: 'conflict', currentRevision: current.revision };
    }
    const document = resultingDocument(current, delivery);
    const parsed = parseFlagSet(document);
    if (!parsed.ok) return { status: 'invalid', details: parsed.errors };
    let change: FlagSetChange;
    let outcome: ApplyOutcome;
    try {
      change = planSnapshot(current, document, delivery.revision, {
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
    this.cache.swap(
      {
        flagSet: parsed.flagSet,
        source: 'store',
        revision: delivery.revision,
        checksum: change.checksum,
        loadedAt: at,
      },
      narrow ? outcome.changed : undefined,
    );
    return { status: 'applied', revision: delivery.revision, changed: outcome.changed };
  }
}
