import type { DeliveryLedger } from '../ports/delivery-ledger';
import type { WebhookKeyOptions } from './webhook-key';

/**
 * The signed endpoints the control plane calls (see docs/protocol.md). Without them the
 * endpoints answer 404, like routes that do not exist.
 * @example
 * webhook: {
 *   audience: 'shop-api',
 *   keys: [{ kid: 'cp-2026-11', publicKey: readFileSync('control-plane.pub.pem', 'utf8') }],
 * }
 * @publicApi
 */
export interface WebhookOptions {
  /** The keys whose signatures are accepted; several at once for rotation. */
  keys: WebhookKeyOptions[];
  /** The `aud` every token must carry: this application's name for the control plane. */
  audience: string;
  /** The `iss` every token must carry; not checked when unset. @default undefined */
  issuer?: string;
  /** The longest token life (`exp - iat`) accepted, in seconds. @default 300 */
  maxTokenAgeSeconds?: number;
  /**
   * The largest signed body accepted (a delivery, an evaluate request), in bytes as sent. The
   * webhook reads its bodies itself, after verifying the token: the application's own body
   * parser and its limits are not involved. @default 5242880 (5 MiB)
   */
  maxDeliveryBytes?: number;
  /**
   * How long a signed body may take to arrive once its headers are in; a slower one is refused
   * with 408 and its connection closed. Slow headers are the HTTP server's to bound
   * (`server.headersTimeout`) or a reverse proxy's: see the README. @default 10000
   */
  bodyTimeoutMs?: number;
  /**
   * Where the ids of signed requests are remembered until their tokens expire, when the module's
   * store remembers none (a custom `FlagStore` that does not implement `DeliveryLedger`).
   * @default the module's store
   */
  ledger?: DeliveryLedger;
}
