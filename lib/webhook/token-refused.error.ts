/**
 * Why a signed request was refused: the `reason` of a 401 answer (see docs/protocol.md).
 * @internal
 */
export type TokenRefusal =
  | 'missing_token'
  | 'malformed_token'
  | 'unsupported_crit'
  | 'unknown_key'
  | 'algorithm_not_allowed'
  | 'bad_signature'
  | `missing_claim:${string}`
  | `invalid_claim:${string}`
  | 'wrong_audience'
  | 'wrong_issuer'
  | 'expired'
  | 'not_yet_valid'
  | 'too_long_lived'
  | 'body_mismatch'
  | 'replayed';

/** A request's token failed a check; nothing was changed. @internal */
export class TokenRefusedError extends Error {
  constructor(readonly reason: TokenRefusal) {
    super(`The request's token was refused: ${reason}.`);
    this.name = 'TokenRefusedError';
  }
}
