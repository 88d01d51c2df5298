/**
 * A request the control plane signed (its token's `jti`), remembered so that it is used once.
 * @publicApi
 */
export interface DeliveryRecord {
  id: string;
  /** When its token stops being accepted: the id can be forgotten after that. */
  expiresAt: Date;
}

/**
 * Remembers the requests the control plane signed until their tokens expire, so that each token
 * is used once on every instance: what the webhook needs (the `webhook` option). The TypeORM and
 * in-memory stores are ledgers too; a store of another kind can leave it to a ledger of its own
 * (`webhook.ledger`).
 * @publicApi
 */
export abstract class DeliveryLedger {
  /**
   * Records a request that changes nothing (a read, or a delivery that was refused) so that its
   * token cannot be used again: false when the id was recorded before. Ids whose `expiresAt` is
   * before `at` are forgotten, here and when a change the store applies carries a delivery.
   */
  abstract rememberDelivery(delivery: DeliveryRecord, at?: Date): Promise<boolean>;
}
