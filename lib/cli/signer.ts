import { type KeyObject, createPrivateKey, randomUUID, sign as signBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { type WebhookAlgorithm, WebhookKeyError, algorithmOf, bodySha256 } from '../webhook';
import { type ParsedArgs, requiredOption, stringOption } from './args';
import type { OptionSpec } from './args';
import type { CliIo } from './io';
import { CommandError, UsageError } from './output';
import { shown } from './printable';

const DEFAULT_TTL = 60;
/** The application's default `maxTokenAge`. */
const MAX_TTL = 300;

type SigningAlgorithm = Exclude<WebhookAlgorithm, 'HS256'>;

/** The options of every command that signs requests. @internal */
export const SIGNING_OPTIONS: OptionSpec = {
  key: { type: 'string' },
  aud: { type: 'string' },
  iss: { type: 'string' },
  sub: { type: 'string' },
  kid: { type: 'string' },
  ttl: { type: 'string' },
};

/** Their help lines. @internal */
export const SIGNING_HELP = `  --key <file>    PEM private key (PKCS#8, SEC1 or PKCS#1)
  --aud <name>    the application's configured audience
  --iss <name>    issuer, when the application requires one
  --sub <who>     who makes the change (written to the change log)
  --kid <kid>     key id the application knows the key by (may be omitted when it trusts one key)
  --ttl <s>       seconds until each token expires (default ${DEFAULT_TTL}, at most ${MAX_TTL})`;

/** A signed token, with what went into it. @internal */
export interface SignedToken {
  token: string;
  header: { alg: SigningAlgorithm; typ: 'JWT'; kid?: string };
  claims: Record<string, unknown>;
}

/** Signs request bodies with one key, a fresh `jti` every time. @internal */
export interface Signer {
  sign(body: Uint8Array | string): SignedToken;
}

function readPrivateKey(pem: Buffer, path: string): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch (error) {
    throw new CommandError(shown`${path} is not a PEM private key (${(error as Error).message})`);
  }
}

/** The algorithm follows the key, with the same limits the application applies. */
function signingAlgorithm(key: KeyObject, path: string): SigningAlgorithm {
  try {
    return algorithmOf(key);
  } catch (error) {
    if (!(error instanceof WebhookKeyError)) throw error;
    throw new CommandError(
      shown`${path}: ${error.message.replace(/^Webhook key: /, '').replace(/\.$/, '')}`,
    );
  }
}

function parseTtl(text: string | undefined): number {
  if (text === undefined) return DEFAULT_TTL;
  const ttl = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(ttl) || ttl < 1 || ttl > MAX_TTL) {
    throw new UsageError(
      shown`--ttl must be a whole number of seconds from 1 to ${MAX_TTL}, not "${text}"`,
    );
  }
  return ttl;
}

function signEdDsa(header: object, claims: object, key: KeyObject): string {
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const input = `${encode(header)}.${encode(claims)}`;
  return `${input}.${signBytes(null, Buffer.from(input), key).toString('base64url')}`;
}

/**
 * The signer the `--key`, `--aud`, `--iss`, `--sub`, `--kid` and `--ttl` options describe.
 * @internal
 */
export function signerFromArgs(args: ParsedArgs, io: CliIo): Signer {
  const keyPath = requiredOption(args, 'key');
  const aud = requiredOption(args, 'aud');
  const iss = stringOption(args, 'iss');
  const sub = stringOption(args, 'sub');
  const kid = stringOption(args, 'kid');
  const ttl = parseTtl(stringOption(args, 'ttl'));
  let pem: Buffer;
  try {
    pem = io.readFile(keyPath);
  } catch (error) {
    throw new UsageError(shown`cannot read ${keyPath}: ${(error as Error).message}`);
  }
  const key = readPrivateKey(pem, keyPath);
  const alg = signingAlgorithm(key, keyPath);
  const header = { alg, typ: 'JWT' as const, ...(kid === undefined ? {} : { kid }) };
  return {
    sign(body) {
      const iat = io.nowSeconds();
      const claims = {
        aud,
        ...(iss === undefined ? {} : { iss }),
        ...(sub === undefined ? {} : { sub }),
        iat,
        exp: iat + ttl,
        jti: randomUUID(),
        body_sha256: bodySha256(body),
      };
      const token =
        alg === 'EdDSA'
          ? signEdDsa(header, claims, key)
          : // jsonwebtoken keeps the iat given in the claims
            jwt.sign(claims, key, { algorithm: alg, ...(kid === undefined ? {} : { keyid: kid }) });
      return { token, header, claims };
    },
  };
}
