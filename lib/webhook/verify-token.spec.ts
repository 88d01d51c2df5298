import { type KeyObject, generateKeyPairSync, sign as signBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { bodySha256, checkBodyHash, type TokenRules, verifyToken } from './verify-token';
import { WebhookKeyError, type WebhookKeyOptions, toWebhookKey } from './webhook-key';

const NOW = 1_800_000_000;
const BODY = '{"kind":"snapshot","revision":1,"flags":{}}';
const SECRET = 'a-shared-secret-of-at-least-32-bytes!';

const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ed = generateKeyPairSync('ed25519');
const pem = (key: KeyObject) => key.export({ type: 'spki', format: 'pem' }).toString();

function rules(
  keys: WebhookKeyOptions[] = [{ kid: 'ec', publicKey: pem(ec.publicKey) }],
  extra: Partial<TokenRules> = {},
): TokenRules {
  return {
    keys: keys.map(toWebhookKey),
    audience: 'shop',
    maxTokenAgeSeconds: 300,
    clockSkewSeconds: 30,
    ...extra,
  };
}

function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    aud: 'shop',
    iat: NOW,
    exp: NOW + 120,
    jti: 'delivery-1',
    body_sha256: bodySha256(BODY),
    sub: 'alice',
    ...overrides,
  };
}

function withoutClaim(name: string): Record<string, unknown> {
  const all = claims();
  delete all[name];
  return all;
}

// jsonwebtoken keeps a given iat, and adds one when missing unless told not to.
const es256 = (payload = claims(), kid = 'ec') =>
  jwt.sign(payload, ec.privateKey, {
    algorithm: 'ES256',
    keyid: kid,
    noTimestamp: !('iat' in payload),
  });

function edDsa(payload: Record<string, unknown>, kid = 'ed'): string {
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const input = `${encode({ alg: 'EdDSA', typ: 'JWT', kid })}.${encode(payload)}`;
  return `${input}.${signBytes(null, Buffer.from(input), ed.privateKey).toString('base64url')}`;
}

function refusal(token: string | undefined, rule = rules(), body: string = BODY): string {
  try {
    checkBodyHash(
      verifyToken(token === undefined ? undefined : `Bearer ${token}`, rule, NOW),
      body,
    );
  } catch (error) {
    return (error as { reason: string }).reason;
  }
  return 'accepted';
}

describe('verifyToken', () => {
  it('accepts ES256, RS256, EdDSA and HS256 tokens signed by configured keys', () => {
    const all = rules([
      { kid: 'ec', publicKey: pem(ec.publicKey) },
      { kid: 'rsa', publicKey: pem(rsa.publicKey) },
      { kid: 'ed', publicKey: pem(ed.publicKey) },
      { kid: 'hs', secret: SECRET },
    ]);
    const tokens = [
      es256(),
      jwt.sign(claims(), rsa.privateKey, { algorithm: 'RS256', keyid: 'rsa' }),
      edDsa(claims()),
      jwt.sign(claims(), SECRET, { algorithm: 'HS256', keyid: 'hs' }),
    ];
    for (const token of tokens) {
      expect(verifyToken(`Bearer ${token}`, all, NOW)).toMatchObject({
        jti: 'delivery-1',
        sub: 'alice',
        exp: NOW + 120,
        acceptedUntil: NOW + 150,
      });
    }
  });

  it('accepts a token without kid when only one key is configured', () => {
    expect(refusal(jwt.sign(claims(), ec.privateKey, { algorithm: 'ES256' }))).toBe('accepted');
  });

  it.each([
    ['no token', undefined, 'missing_token'],
    ['a token that is not a JWT', 'not-a-jwt', 'malformed_token'],
    ['an unknown kid', es256(claims(), 'other'), 'unknown_key'],
    [
      'alg none',
      `${Buffer.from('{"alg":"none","kid":"ec"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims())).toString('base64url')}.`,
      'algorithm_not_allowed',
    ],
    [
      'HS256 signed with the public key as secret',
      jwt.sign(claims(), pem(ec.publicKey), { algorithm: 'HS256', keyid: 'ec' }),
      'algorithm_not_allowed',
    ],
    [
      "another key's signature",
      jwt.sign(claims(), generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, {
        algorithm: 'ES256',
        keyid: 'ec',
      }),
      'bad_signature',
    ],
    ['an expired token', es256(claims({ iat: NOW - 300, exp: NOW - 31 })), 'expired'],
    [
      'a token issued in the future',
      es256(claims({ iat: NOW + 60, exp: NOW + 120 })),
      'not_yet_valid',
    ],
    ['a token not valid yet', es256(claims({ nbf: NOW + 60 })), 'not_yet_valid'],
    ['a token that lives too long', es256(claims({ exp: NOW + 301 })), 'too_long_lived'],
    ['the wrong audience', es256(claims({ aud: 'other-app' })), 'wrong_audience'],
    ['no audience', es256(withoutClaim('aud')), 'missing_claim:aud'],
    ['no jti', es256(withoutClaim('jti')), 'missing_claim:jti'],
    ['no exp', es256(withoutClaim('exp')), 'missing_claim:exp'],
    ['no iat', es256(withoutClaim('iat')), 'missing_claim:iat'],
    ['no body hash', es256(withoutClaim('body_sha256')), 'missing_claim:body_sha256'],
  ])('refuses %s', (_name, token, reason) => {
    expect(refusal(token)).toBe(reason);
  });

  it.each([
    ['a jti of 256 characters', { jti: 'j'.repeat(256) }, 'invalid_claim:jti'],
    ['a jti with U+0000', { jti: 'delivery\u0000-1' }, 'invalid_claim:jti'],
    ['a jti with a line feed', { jti: 'delivery\n-1' }, 'invalid_claim:jti'],
    ['a jti with a lone surrogate', { jti: 'delivery-\ud800' }, 'invalid_claim:jti'],
    ['a jti that is not a string', { jti: 42 }, 'missing_claim:jti'],
    ['a sub of 256 characters', { sub: 's'.repeat(256) }, 'invalid_claim:sub'],
    ['a sub that is not a string', { sub: 7 }, 'invalid_claim:sub'],
  ])('refuses %s', (_name, overrides, reason) => {
    expect(refusal(es256(claims(overrides)))).toBe(reason);
  });

  it('accepts a jti of 255 characters, and one with printable non-ASCII text', () => {
    expect(refusal(es256(claims({ jti: 'j'.repeat(255) })))).toBe('accepted');
    expect(refusal(es256(claims({ jti: 'livraison-été-新' })))).toBe('accepted');
  });

  it('refuses a token whose header lists critical extensions (RFC 7515 §4.1.11)', () => {
    const signed = jwt.sign(claims(), ec.privateKey, {
      algorithm: 'ES256',
      keyid: 'ec',
      header: { alg: 'ES256', crit: ['b64'], b64: false } as unknown as jwt.JwtHeader,
    });
    expect(refusal(signed)).toBe('unsupported_crit');
    const empty = jwt.sign(claims(), ec.privateKey, {
      algorithm: 'ES256',
      keyid: 'ec',
      header: { alg: 'ES256', crit: [] } as unknown as jwt.JwtHeader,
    });
    expect(refusal(empty)).toBe('unsupported_crit');
  });

  it('verifies the token before the body is known, then the body against its hash', () => {
    const token = verifyToken(`Bearer ${es256()}`, rules(), NOW);
    expect(token.bodySha256).toBe(bodySha256(BODY));
    expect(() => checkBodyHash(token, BODY)).not.toThrow();
    expect(() => checkBodyHash(token, Buffer.from(BODY))).not.toThrow();
    expect(() => checkBodyHash(token, `${BODY} `)).toThrow(/body_mismatch/);
  });

  it('refuses a body altered after signing', () => {
    expect(refusal(es256(), rules(), BODY.replace('1', '2'))).toBe('body_mismatch');
  });

  it('checks the issuer when one is configured', () => {
    const strict = rules(undefined, { issuer: 'control-plane' });
    expect(refusal(es256(claims({ iss: 'control-plane' })), strict)).toBe('accepted');
    expect(refusal(es256(claims({ iss: 'someone' })), strict)).toBe('wrong_issuer');
    expect(refusal(es256(), strict)).toBe('missing_claim:iss');
  });

  it('allows 30 seconds of clock skew and an audience list', () => {
    expect(refusal(es256(claims({ iat: NOW - 200, exp: NOW - 29 })))).toBe('accepted');
    expect(refusal(es256(claims({ aud: ['x', 'shop'] })))).toBe('accepted');
  });

  it('hashes the empty body for requests without one', () => {
    expect(bodySha256('')).toBe('47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU');
  });
});

describe('toWebhookKey', () => {
  it.each([
    [{ publicKey: pem(ec.publicKey), algorithms: ['HS256'] }, /can only verify ES256/],
    [{ secret: 'short' }, /at least 32 bytes/],
    [{ publicKey: 'not a key' }, /not a PEM public key/],
    [
      { publicKey: ec.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string },
      /is a private key: give the application only the public half/,
    ],
    [
      { publicKey: pem(generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey) },
      /at least 2048 bits/,
    ],
    [{ publicKey: pem(generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey) }, /P-256/],
    [{}, /exactly one of publicKey/],
  ])('refuses %j with a message that says what to do', (options, message) => {
    expect(() => toWebhookKey(options as WebhookKeyOptions)).toThrow(WebhookKeyError);
    expect(() => toWebhookKey(options as WebhookKeyOptions)).toThrow(message);
  });
});
