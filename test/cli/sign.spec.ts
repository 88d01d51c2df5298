import { type KeyObject, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import { main } from '../../lib/cli/main';
import { bodySha256, checkBodyHash, verifyToken } from '../../lib/webhook/verify-token';
import { toWebhookKey } from '../../lib/webhook/webhook-key';
import { captureIo } from './cli-io';

const NOW = 1_800_000_000;
const BODY = '{"kind":"snapshot","revision":1,"flags":{}}\n';
const dir = mkdtempSync(join(tmpdir(), 'hybrid-flags-sign-'));

const pairs = {
  ES256: generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  RS256: generateKeyPairSync('rsa', { modulusLength: 2048 }),
  EdDSA: generateKeyPairSync('ed25519'),
};

function keyFile(name: string, key: KeyObject): string {
  const path = join(dir, `${name}.pem`);
  writeFileSync(path, key.export({ type: 'pkcs8', format: 'pem' }));
  return path;
}

async function sign(args: string[], body: string = BODY): Promise<string> {
  const io = captureIo(body, NOW);
  const code = await main(['sign', ...args], io);
  if (code !== 0) throw new Error(`sign exited ${code}: ${io.err}`);
  return io.out.trim();
}

function refusal(token: string, publicKey: KeyObject, body: string, kid?: string): string {
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  try {
    const verified = verifyToken(
      `Bearer ${token}`,
      {
        keys: [toWebhookKey({ kid, publicKey: pem })],
        audience: 'shop',
        issuer: 'ci',
        maxTokenAgeSeconds: 300,
        clockSkewSeconds: 30,
      },
      NOW + 10,
    );
    checkBodyHash(verified, body);
  } catch (error) {
    return (error as { reason: string }).reason;
  }
  return 'accepted';
}

describe('hybrid-flags sign', () => {
  it.each(Object.keys(pairs) as (keyof typeof pairs)[])(
    'makes %s tokens that verifyToken accepts for the same body only',
    async (algorithm) => {
      const pair = pairs[algorithm];
      const key = keyFile(algorithm, pair.privateKey);
      const args = ['--key', key, '--aud', 'shop', '--iss', 'ci', '--sub', 'alice'];
      const token = await sign([...args, '--kid', 'k1']);
      expect(jwt.decode(token, { complete: true })?.header).toMatchObject({
        alg: algorithm,
        kid: 'k1',
      });
      expect(refusal(token, pair.publicKey, BODY, 'k1')).toBe('accepted');
      expect(refusal(token, pair.publicKey, BODY.trim(), 'k1')).toBe('body_mismatch');

      const withoutKid = await sign(args);
      expect(jwt.decode(withoutKid, { complete: true })?.header.kid).toBeUndefined();
      expect(refusal(withoutKid, pair.publicKey, BODY)).toBe('accepted');
    },
  );

  it('writes the claims of the protocol, with a fresh jti each time', async () => {
    const key = keyFile('claims', pairs.ES256.privateKey);
    const first = jwt.decode(await sign(['--key', key, '--aud', 'shop'])) as Record<
      string,
      unknown
    >;
    const second = jwt.decode(await sign(['--key', key, '--aud', 'shop'])) as Record<
      string,
      unknown
    >;
    expect(first).toEqual({
      aud: 'shop',
      iat: NOW,
      exp: NOW + 60,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
      body_sha256: bodySha256(BODY),
    });
    expect(second.jti).not.toBe(first.jti);

    const ttl = jwt.decode(await sign(['--key', key, '--aud', 'shop', '--ttl', '300'])) as {
      exp: number;
    };
    expect(ttl.exp).toBe(NOW + 300);
  });

  it('hashes an empty stdin as the empty body (GET)', async () => {
    const key = keyFile('empty', pairs.ES256.privateKey);
    const claims = jwt.decode(await sign(['--key', key, '--aud', 'shop'], '')) as {
      body_sha256: string;
    };
    expect(claims.body_sha256).toBe('47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU');
  });

  it('prints the token, header and claims with --json', async () => {
    const key = keyFile('json', pairs.EdDSA.privateKey);
    const io = captureIo(BODY, NOW);
    expect(await main(['sign', '--key', key, '--aud', 'shop', '--json'], io)).toBe(0);
    const printed = JSON.parse(io.out) as { token: string; header: object; claims: object };
    expect(printed.header).toEqual({ alg: 'EdDSA', typ: 'JWT' });
    expect(jwt.decode(printed.token)).toEqual(printed.claims);
  });

  it('refuses --ttl above 300, missing options and unreadable keys with exit 2', async () => {
    const key = keyFile('usage', pairs.ES256.privateKey);
    for (const args of [
      ['--key', key, '--aud', 'shop', '--ttl', '301'],
      ['--key', key, '--aud', 'shop', '--ttl', '0'],
      ['--key', key, '--aud', 'shop', '--ttl', '1.5'],
      ['--key', key],
      ['--aud', 'shop'],
      ['--key', join(dir, 'missing.pem'), '--aud', 'shop'],
    ]) {
      const io = captureIo(BODY, NOW);
      expect(await main(['sign', ...args], io)).toBe(2);
      expect(io.out).toBe('');
    }
    const io = captureIo(BODY, NOW);
    await main(['sign', '--key', key, '--aud', 'shop', '--ttl', '301'], io);
    expect(io.err).toMatch(/--ttl must be a whole number of seconds from 1 to 300/);
  });

  it('refuses keys the application would refuse, with exit 1', async () => {
    const publicOnly = join(dir, 'public.pem');
    writeFileSync(publicOnly, pairs.ES256.publicKey.export({ type: 'spki', format: 'pem' }));
    const p384 = keyFile('p384', generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey);
    for (const key of [publicOnly, p384]) {
      const io = captureIo(BODY, NOW);
      expect(await main(['sign', '--key', key, '--aud', 'shop'], io)).toBe(1);
      expect(io.out).toBe('');
    }
  });
});
