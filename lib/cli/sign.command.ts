import { type KeyObject, createPrivateKey, randomUUID, sign as signBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { bodySha256 } from '../webhook/verify-token';
import { type WebhookAlgorithm, WebhookKeyError, algorithmOf } from '../webhook/webhook-key';
import { requiredOption, stringOption } from './args';
import type { Command } from './command';
import { CommandError, EXIT_OK, UsageError, printJson, printLines } from './output';

const DEFAULT_TTL = 60;
/** The application's default `maxTokenAge`. */
const MAX_TTL = 300;

type SigningAlgorithm = Exclude<WebhookAlgorithm, 'HS256'>;

function readPrivateKey(pem: Buffer, path: string): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch (error) {
    throw new CommandError(`${path} is not a PEM private key (${(error as Error).message})`);
  }
}

/** The algorithm follows the key, with the same limits the application applies. */
function signingAlgorithm(key: KeyObject, path: string): SigningAlgorithm {
  try {
    return algorithmOf(key);
  } catch (error) {
    if (!(error instanceof WebhookKeyError)) throw error;
    throw new CommandError(
      `${path}: ${error.message.replace(/^Webhook key: /, '').replace(/\.$/, '')}`,
    );
  }
}

function parseTtl(text: string | undefined): number {
  if (text === undefined) return DEFAULT_TTL;
  const ttl = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(ttl) || ttl < 1 || ttl > MAX_TTL) {
    throw new UsageError(
      `--ttl must be a whole number of seconds from 1 to ${MAX_TTL}, not "${text}"`,
    );
  }
  return ttl;
}

function signEdDsa(claims: object, key: KeyObject, kid: string | undefined): string {
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const header = { alg: 'EdDSA', typ: 'JWT', ...(kid === undefined ? {} : { kid }) };
  const input = `${encode(header)}.${encode(claims)}`;
  return `${input}.${signBytes(null, Buffer.from(input), key).toString('base64url')}`;
}

/** `hybrid-flags sign`: a bearer token for one request body. @internal */
export const signCommand: Command = {
  name: 'sign',
  summary: 'print a signed token (JWT) for the request body read from stdin',
  help: `Usage: hybrid-flags sign --key <private.pem> --aud <audience> [--iss <issuer>] [--sub <who>]
                         [--kid <kid>] [--ttl <seconds>] [--json] < body

Prints a JWT for one request: its body_sha256 claim is the SHA-256 of the exact bytes read from
stdin (empty for a request without a body, e.g. GET; an interactive terminal counts as empty).
The algorithm follows the key: EC P-256 -> ES256, RSA (2048+ bits) -> RS256, Ed25519 -> EdDSA.

  --key <file>    PEM private key (PKCS#8, SEC1 or PKCS#1)
  --aud <name>    the application's configured audience
  --iss <name>    issuer, when the application requires one
  --sub <who>     who makes the change (written to the change log)
  --kid <kid>     key id the application knows the key by (may be omitted when it trusts one key)
  --ttl <s>       seconds until the token expires (default ${DEFAULT_TTL}, at most ${MAX_TTL})
  --json          print { token, header, claims } as JSON

Example:
  curl -H "Authorization: Bearer $(hybrid-flags sign --key k.pem --aud my-app < body.json)" \\
       -H 'Content-Type: application/json' --data-binary @body.json \\
       https://my-app.example.com/_flags/deliveries

Each token has a fresh jti and can be used once: sign again for every request, and send the
body byte for byte (curl --data-binary, not --data).
`,
  options: {
    key: { type: 'string' },
    aud: { type: 'string' },
    iss: { type: 'string' },
    sub: { type: 'string' },
    kid: { type: 'string' },
    ttl: { type: 'string' },
    json: { type: 'boolean' },
  },
  maxPositionals: 0,
  async run(args, io) {
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
      throw new UsageError(`cannot read ${keyPath}: ${(error as Error).message}`);
    }
    const key = readPrivateKey(pem, keyPath);
    const algorithm = signingAlgorithm(key, keyPath);
    const body = await io.readStdin();
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
      algorithm === 'EdDSA'
        ? signEdDsa(claims, key, kid)
        : // jsonwebtoken keeps the iat given in the claims
          jwt.sign(claims, key, {
            algorithm,
            ...(kid === undefined ? {} : { keyid: kid }),
          });
    if (args.values.json === true) {
      const header = { alg: algorithm, typ: 'JWT', ...(kid === undefined ? {} : { kid }) };
      printJson(io, { token, header, claims });
    } else {
      printLines(io, [token]);
    }
    return EXIT_OK;
  },
};
