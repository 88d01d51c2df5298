import { Injectable } from '@nestjs/common';
import { DeliveryApplier } from './delivery-applier';
import { readDelivery } from './delivery';
import { DeliveryLog } from './delivery-log';
import { ReplayMemory } from './replay-memory';
import type { SignedExchange } from './signed-exchange';
import {
  invalidDelivery,
  invalidToken,
  revisionConflict,
  storeUnavailable,
} from './webhook-answers';

/**
 * Takes a verified delivery: reads its body strictly, applies it, answers as docs/protocol.md
 * says, and logs the delivery once (its refusals are logged by the endpoints' exception filter).
 * @internal
 */
@Injectable()
export class DeliveryReceiver {
  constructor(
    private readonly applier: DeliveryApplier,
    private readonly replays: ReplayMemory,
    private readonly deliveryLog: DeliveryLog,
  ) {}

  async receive(exchange: SignedExchange) {
    const token = exchange.token;
    if (token === undefined || exchange.body === undefined) {
      throw new Error('DeliveryReceiver: the request was not verified by SignedRequestGuard.');
    }
    const parsed = readDelivery(exchange.body);
    if (!parsed.ok) throw invalidDelivery(parsed.errors);
    exchange.delivery = parsed.delivery;
    let outcome;
    try {
      outcome = await this.applier.apply(parsed.delivery, token);
    } catch (error) {
      exchange.cause = error;
      throw storeUnavailable();
    }
    switch (outcome.status) {
      // An applied delivery recorded its token in its own transaction.
      case 'applied':
        this.deliveryLog.answered(exchange, outcome);
        return outcome;
      case 'replayed':
        throw invalidToken('replayed');
      // Refused before anything is written, so the database stays byte for byte as it was;
      // the same body is refused again whatever token carries it.
      case 'invalid':
        throw invalidDelivery(outcome.details);
      case 'conflict':
        await this.replays.remember(token, exchange, true);
        throw revisionConflict(outcome.currentRevision);
      default:
        await this.replays.remember(token, exchange, true);
        this.deliveryLog.answered(exchange, outcome);
        return outcome;
    }
  }
}
