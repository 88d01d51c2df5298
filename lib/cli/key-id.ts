import { type KeyObject, createHash } from 'node:crypto';

/**
 * The `kid` derived from a public key: base64url of the first 8 bytes of the SHA-256 of its SPKI
 * DER, so the same key always gets the same id.
 * @internal
 */
export function deriveKid(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest().subarray(0, 8).toString('base64url');
}
