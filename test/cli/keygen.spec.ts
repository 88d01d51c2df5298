import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deriveKid } from '../../lib/cli/key-id';
import { main } from '../../lib/cli/main';
import { captureIo } from './cli-io';

const tempDir = () => mkdtempSync(join(tmpdir(), 'hybrid-flags-keygen-'));

describe('hybrid-flags keygen', () => {
  it('writes a usable ES256 key pair with private mode 0600 and prints its kid', async () => {
    const dir = tempDir();
    const io = captureIo();
    expect(await main(['keygen', '--out', dir, '--name', 'cp'], io)).toBe(0);

    const privatePath = join(dir, 'cp-private.pem');
    const publicPath = join(dir, 'cp-public.pem');
    const privateKey = createPrivateKey(readFileSync(privatePath));
    const publicKey = createPublicKey(readFileSync(publicPath));
    expect(readFileSync(privatePath, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/); // PKCS#8
    expect(readFileSync(publicPath, 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----/); // SPKI
    expect(privateKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(statSync(privatePath).mode & 0o777).toBe(0o600);
    expect(statSync(publicPath).mode & 0o622).toBe(0o600); // readable, writable by its owner only

    const data = Buffer.from('hello');
    expect(verify('sha256', data, publicKey, sign('sha256', data, privateKey))).toBe(true);
    const kid = deriveKid(publicKey);
    expect(kid).toMatch(/^[A-Za-z0-9_-]{11}$/);
    expect(io.out).toContain(`kid:         ${kid}`);
  });

  it('refuses to overwrite existing files and leaves them as they were', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'cp-public.pem'), 'keep me');
    const io = captureIo();
    expect(await main(['keygen', '--out', dir, '--name', 'cp'], io)).toBe(1);
    expect(io.err).toMatch(/already exists; choose another --name or --out, or delete them/);
    expect(readFileSync(join(dir, 'cp-public.pem'), 'utf8')).toBe('keep me');
    expect(() => statSync(join(dir, 'cp-private.pem'))).toThrow();

    const again = captureIo();
    expect(await main(['keygen', '--out', dir, '--name', 'other'], again)).toBe(0);
    expect(await main(['keygen', '--out', dir, '--name', 'other'], captureIo())).toBe(1);
  });

  it('prints both PEMs and the kid without --out, or JSON with --json', async () => {
    const io = captureIo();
    expect(await main(['keygen'], io)).toBe(0);
    expect(io.out).toContain('-----BEGIN PRIVATE KEY-----');
    expect(io.out).toContain('-----BEGIN PUBLIC KEY-----');
    expect(io.out).toMatch(/kid: [A-Za-z0-9_-]{11}\n$/);

    const json = captureIo();
    expect(await main(['keygen', '--json'], json)).toBe(0);
    const printed = JSON.parse(json.out) as { kid: string; publicKey: string };
    expect(printed.kid).toBe(deriveKid(createPublicKey(printed.publicKey)));
  });

  it('treats --name without --out and unknown options as usage errors', async () => {
    expect(await main(['keygen', '--name', 'cp'], captureIo())).toBe(2);
    expect(await main(['keygen', '--frob'], captureIo())).toBe(2);
  });
});
