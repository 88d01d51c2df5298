import { type KeyObject, createPublicKey, createSecretKey } from 'node:crypto';

/** The signature algorithms a control plane may use. @publicApi */
export type WebhookAlgorithm = 'ES256' | 'RS256' | 'EdDSA' | 'HS256';

/**
 * A key the application trusts for signed requests.
 * @example { kid: 'cp-2026-11', algorithms: ['ES256'], publicKey: readFileSync('control-plane.pub.pem', 'utf8') }
 * @example { kid: 'shared', algorithms: ['HS256'], secret: process.env.FLAGS_HS256_SECRET }
 * @publicApi
 */
export interface WebhookKeyOptions {
  /** The `kid` tokens name; may be omitted when it is the only key. */
  kid?: string;
  /** What this key verifies. @default the algorithm that fits the key: ES256, RS256 or EdDSA; HS256 for a secret */
  algorithms?: WebhookAlgorithm[];
  /** A public key in PEM (SPKI) form: EC P-256, RSA of 2048 bits or more, or Ed25519. */
  publicKey?: string;
  /** A shared secret for HS256, at least 32 bytes. */
  secret?: string;
}

/** A key after checking, ready to verify. @internal */
export interface WebhookKey {
  kid: string | undefined;
  algorithms: ReadonlySet<WebhookAlgorithm>;
  key: KeyObject;
}

/** A key that cannot be used; the message says how to fix it. @internal */
export class WebhookKeyError extends Error {
  constructor(message: string) {
    super(`Webhook key: ${message}`);
    this.name = 'WebhookKeyError';
  }
}

/**
 * The one algorithm an asymmetric key (public or private) signs with, within the limits every
 * side applies: EC P-256 → ES256, RSA of 2048 bits or more → RS256, Ed25519 → EdDSA.
 * @throws WebhookKeyError for any other key
 * @internal
 */
export function algorithmOf(key: KeyObject): Exclude<WebhookAlgorithm, 'HS256'> {
  const type = key.asymmetricKeyType;
  if (type === 'ec') {
    if (key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      throw new WebhookKeyError('EC keys must be on the P-256 curve (ES256).');
    }
    return 'ES256';
  }
  if (type === 'rsa') {
    if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) {
      throw new WebhookKeyError('RSA keys must have at least 2048 bits (RS256).');
    }
    return 'RS256';
  }
  if (type === 'ed25519') return 'EdDSA';
  throw new WebhookKeyError(
    `${type ?? 'this'} keys are not supported; use EC P-256, RSA or Ed25519.`,
  );
}

/**
 * Checks a configured key. The algorithms a key verifies follow from its kind, so a public key can
 * never be used as an HMAC secret, and `none` is never an algorithm.
 * @internal
 */
export function toWebhookKey(options: WebhookKeyOptions): WebhookKey {
  const name = options.kid === undefined ? 'the key' : `key "${options.kid}"`;
  if ((options.publicKey === undefined) === (options.secret === undefined)) {
    throw new WebhookKeyError(`${name} needs exactly one of publicKey (PEM) or secret.`);
  }
  let key: KeyObject;
  let natural: WebhookAlgorithm;
  if (options.secret !== undefined) {
    if (Buffer.byteLength(options.secret) < 32) {
      throw new WebhookKeyError(`${name}: an HS256 secret must be at least 32 bytes.`);
    }
    key = createSecretKey(Buffer.from(options.secret));
    natural = 'HS256';
  } else {
    // Node derives a public key from a private one without a word: the private half would then
    // sit in the application's configuration, where it can sign deliveries for anyone reading it.
    if (typeof options.publicKey === 'string' && /PRIVATE KEY-----/.test(options.publicKey)) {
      throw new WebhookKeyError(
        `${name} is a private key: give the application only the public half ` +
          '(hybrid-flags keygen writes it as <name>-public.pem) and keep the private key with ' +
          'whoever pushes flags, out of version control.',
      );
    }
    try {
      key = createPublicKey(options.publicKey as string);
    } catch (error) {
      throw new WebhookKeyError(`${name}: not a PEM public key (${(error as Error).message}).`);
    }
    natural = algorithmOf(key);
  }
  const algorithms = options.algorithms ?? [natural];
  for (const algorithm of algorithms) {
    if (algorithm !== natural) {
      throw new WebhookKeyError(`${name} can only verify ${natural}, not ${algorithm}.`);
    }
  }
  return { kid: options.kid, algorithms: new Set(algorithms), key };
}
