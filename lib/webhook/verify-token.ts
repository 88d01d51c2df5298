import { createHash, timingSafeEqual, verify as verifySignature } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { TokenRefusedError } from './token-refused.error';
import type { WebhookAlgorithm, WebhookKey } from './webhook-key';

/** What a request's token must satisfy. @internal */
export interface TokenRules {
  keys: readonly WebhookKey[];
  audience: string;
  issuer?: string;
  /** The longest `exp - iat` accepted, in seconds. */
  maxTokenAgeSeconds: number;
  clockSkewSeconds: number;
}

/** The claims of an accepted token. @internal */
export interface VerifiedToken {
  jti: string;
  /** Who made the change, when the control plane says. */
  sub?: string;
  iat: number;
  exp: number;
  /** The last second (`exp` plus the clock skew) at which the token is accepted. */
  acceptedUntil: number;
  kid?: string;
  /** The `body_sha256` claim: the body must hash to it (see {@link checkBodyHash}). */
  bodySha256: string;
}

/** base64url SHA-256 of the body: what the `body_sha256` claim holds. @publicApi */
export function bodySha256(body: Uint8Array | string): string {
  return createHash('sha256').update(body).digest('base64url');
}

function chooseKey(rules: TokenRules, kid: unknown): WebhookKey {
  if (kid === undefined) {
    if (rules.keys.length === 1) return rules.keys[0];
    throw new TokenRefusedError('unknown_key');
  }
  const key = rules.keys.find((candidate) => candidate.kid === kid);
  if (key === undefined) throw new TokenRefusedError('unknown_key');
  return key;
}

function checkSignature(token: string, algorithm: WebhookAlgorithm, key: WebhookKey): void {
  if (algorithm === 'EdDSA') {
    // jsonwebtoken has no EdDSA: Node verifies Ed25519 itself.
    const [header, payload, signature] = token.split('.');
    const valid = verifySignature(
      null,
      Buffer.from(`${header}.${payload}`),
      key.key,
      Buffer.from(signature, 'base64url'),
    );
    if (!valid) throw new TokenRefusedError('bad_signature');
    return;
  }
  try {
    jwt.verify(token, key.key, {
      algorithms: [algorithm],
      ignoreExpiration: true,
      ignoreNotBefore: true,
    });
  } catch (error) {
    const message = (error as Error).message;
    throw new TokenRefusedError(/signature/i.test(message) ? 'bad_signature' : 'malformed_token');
  }
}

function numberClaim(claims: Record<string, unknown>, name: string): number {
  const value = claims[name];
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new TokenRefusedError(`missing_claim:${name}`);
  return value;
}

function stringClaim(claims: Record<string, unknown>, name: string): string {
  const value = claims[name];
  if (typeof value !== 'string' || value === '')
    throw new TokenRefusedError(`missing_claim:${name}`);
  return value;
}

/** The longest `jti` or `sub`: what the stores' key columns hold (varchar(255)). */
const MAX_ID_LENGTH = 255;
/** Control characters and lone surrogates: an id is printed in logs and stored as text. */
const UNPRINTABLE_ID = /[\p{Cc}\p{Cs}]/u;

/** A claim that names something: a string the stores and the logs can hold. */
function idClaim(value: unknown, name: 'jti' | 'sub'): string {
  if (typeof value !== 'string' || value.length > MAX_ID_LENGTH || UNPRINTABLE_ID.test(value))
    throw new TokenRefusedError(`invalid_claim:${name}`);
  return value;
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function checkClaims(
  claims: Record<string, unknown>,
  rules: TokenRules,
  now: number,
): VerifiedToken {
  const audience = claims.aud;
  if (audience === undefined) throw new TokenRefusedError('missing_claim:aud');
  const audiences = Array.isArray(audience) ? audience : [audience];
  if (!audiences.includes(rules.audience)) throw new TokenRefusedError('wrong_audience');
  if (rules.issuer !== undefined) {
    if (claims.iss === undefined) throw new TokenRefusedError('missing_claim:iss');
    if (claims.iss !== rules.issuer) throw new TokenRefusedError('wrong_issuer');
  }
  const iat = numberClaim(claims, 'iat');
  const exp = numberClaim(claims, 'exp');
  const jti = idClaim(stringClaim(claims, 'jti'), 'jti');
  const hash = stringClaim(claims, 'body_sha256');
  const skew = rules.clockSkewSeconds;
  if (exp - iat > rules.maxTokenAgeSeconds) throw new TokenRefusedError('too_long_lived');
  if (now > exp + skew) throw new TokenRefusedError('expired');
  if (iat > now + skew) throw new TokenRefusedError('not_yet_valid');
  if (claims.nbf !== undefined && numberClaim(claims, 'nbf') > now + skew)
    throw new TokenRefusedError('not_yet_valid');
  const sub =
    claims.sub === undefined || claims.sub === '' ? undefined : idClaim(claims.sub, 'sub');
  return {
    jti,
    iat,
    exp,
    acceptedUntil: exp + skew,
    bodySha256: hash,
    ...(sub === undefined ? {} : { sub }),
  };
}

/**
 * Verifies the bearer token of a signed request, before its body is read: the key and algorithm
 * first, then the signature, then every claim. The body is checked against the token's hash
 * once read ({@link checkBodyHash}); whether the `jti` was seen before is the store's to tell.
 * @throws TokenRefusedError with the reason of the first failed check
 * @internal
 */
export function verifyToken(
  authorization: string | undefined,
  rules: TokenRules,
  now = Math.floor(Date.now() / 1000),
): VerifiedToken {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match) throw new TokenRefusedError('missing_token');
  const token = match[1];
  const decoded = jwt.decode(token, { complete: true });
  if (decoded === null || typeof decoded.payload !== 'object' || decoded.payload === null) {
    throw new TokenRefusedError('malformed_token');
  }
  // RFC 7515 §4.1.11: a token that needs extensions the recipient does not know is invalid, and
  // this one knows none (a `b64: false` payload, for one, would be verified differently).
  if ('crit' in decoded.header) throw new TokenRefusedError('unsupported_crit');
  const algorithm = decoded.header.alg as WebhookAlgorithm;
  const key = chooseKey(rules, decoded.header.kid);
  if (!key.algorithms.has(algorithm)) throw new TokenRefusedError('algorithm_not_allowed');
  checkSignature(token, algorithm, key);
  const verified = checkClaims(decoded.payload as Record<string, unknown>, rules, now);
  return key.kid === undefined ? verified : { ...verified, kid: key.kid };
}

/**
 * Checks the exact body bytes received against the verified token's `body_sha256`.
 * @throws TokenRefusedError `body_mismatch`
 * @internal
 */
export function checkBodyHash(token: VerifiedToken, body: Uint8Array | string): void {
  if (!sameText(token.bodySha256, bodySha256(body))) throw new TokenRefusedError('body_mismatch');
}
