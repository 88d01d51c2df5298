import type { DeliveryRecord } from '../../ports/delivery-ledger';
import { isUniqueViolation } from './driver-errors';
import type { SqlContext } from './sql-context';
import { query, type Row, type Statement, type Work } from './sql-work';
import { toUtcText } from './utc-text';

/**
 * Records a delivery id, or reports it seen: `false`. The unique key decides, so two instances
 * recording the same id at once cannot both succeed.
 * @internal
 */
export function* recordDelivery(
  { dialect, tables }: SqlContext,
  delivery: DeliveryRecord,
  at: string,
): Generator<Statement, boolean, Row[]> {
  const q = dialect.quote;
  const seen = yield* query(
    `SELECT ${q('id')} AS id FROM ${tables.delivery} WHERE ${q('id')} = ?`,
    [delivery.id],
  );
  if (seen.length > 0) return false;
  try {
    yield* query(
      `INSERT INTO ${tables.delivery} (${q('id')}, ${q('received_at')}, ${q('expires_at')}) ` +
        'VALUES (?, ?, ?)',
      [delivery.id, at, toUtcText(delivery.expiresAt)],
    );
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
  return true;
}

/** Deletes the ids of tokens no longer accepted (an indexed range delete). @internal */
export function* forgetExpiredDeliveries(
  { dialect, tables }: SqlContext,
  at: string,
): Generator<Statement, void, Row[]> {
  yield* query(`DELETE FROM ${tables.delivery} WHERE ${dialect.quote('expires_at')} < ?`, [at]);
}

/** {@link FlagStore.rememberDelivery} as one transaction. @internal */
export function* rememberDeliveryWork(
  context: SqlContext,
  delivery: DeliveryRecord,
  at: Date,
): Work<boolean> {
  const text = toUtcText(at);
  yield* forgetExpiredDeliveries(context, text);
  const recorded = yield* recordDelivery(context, delivery, text);
  return { value: recorded, commit: recorded };
}
