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
  /** The largest delivery body accepted, in bytes. @default 5242880 (5 MiB) */
  maxDeliveryBytes?: number;
}
