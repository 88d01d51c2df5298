import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';

/**
 * The checksum of a flag set: hex SHA-256 of the canonical JSON of `{ flags, $evaluators }`
 * (metadata is left out: it does not change any evaluation).
 * @example flagSetChecksum({ 'new-checkout': { state: 'ENABLED', ... } }, {})
 * @publicApi
 */
export function flagSetChecksum(
  flags: Readonly<Record<string, unknown>>,
  evaluators: Readonly<Record<string, unknown>>,
): string {
  return createHash('sha256')
    .update(canonicalJson({ flags, $evaluators: evaluators }))
    .digest('hex');
}
