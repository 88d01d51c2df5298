import { Injectable } from '@nestjs/common';
import { DeliveryLedger } from '../ports/delivery-ledger';
import { StoreUnreachableError } from '../ports/store-unreachable.error';
import type { SignedExchange } from './signed-exchange';
import type { VerifiedToken } from './verify-token';
import { invalidToken, storeUnavailable } from './webhook-answers';

/**
 * Makes each accepted token usable once, on every instance: its `jti` is recorded in the store
 * until the token expires. Deliveries that apply record it in their own transaction; every other
 * signed request goes through here.
 * @internal
 */
@Injectable()
export class ReplayMemory {
  constructor(private readonly ledger: DeliveryLedger) {}

  /**
   * Records the token's `jti`, refusing it (401 `replayed`) when it was recorded before. When
   * the database cannot be reached at all, a request that changes nothing is served without the
   * check, so reads stay useful during an outage; any other failure to record refuses the request
   * (503), as the id could not be held against a replay.
   */
  async remember(token: VerifiedToken, exchange: SignedExchange, changesNothing: boolean) {
    let first: boolean;
    try {
      first = await this.ledger.rememberDelivery({
        id: token.jti,
        expiresAt: new Date(token.acceptedUntil * 1000),
      });
    } catch (error) {
      if (changesNothing && error instanceof StoreUnreachableError) {
        exchange.storeUnreachable = true;
        exchange.cause = error;
        return;
      }
      exchange.cause = error;
      throw storeUnavailable();
    }
    if (!first) throw invalidToken('replayed');
  }
}
