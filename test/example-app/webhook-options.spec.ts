import { join } from 'node:path';
import { listenHost } from '../../example-app/src/listen-host';
import { webhookOptions } from '../../example-app/src/webhook-options';

describe('example app webhook keys', () => {
  it('uses the development key outside production', () => {
    const options = webhookOptions({});
    expect(options).toMatchObject({ audience: 'example-app', keys: [{ kid: 'es256' }] });
  });

  it('refuses the published development key in production, saying what to do', () => {
    expect(() => webhookOptions({ NODE_ENV: 'production' })).toThrow(
      /FLAGS_PUBLIC_KEY_FILE.*keygen/,
    );
  });

  it('trusts the development key only on loopback, or when told to', () => {
    for (const HOST of ['127.0.0.1', '::1', 'localhost']) {
      expect(webhookOptions({ HOST }).keys).toHaveLength(1);
    }
    expect(() => webhookOptions({ HOST: '0.0.0.0' })).toThrow(
      /listens on 0\.0\.0\.0.*FLAGS_PUBLIC_KEY_FILE.*FLAGS_TRUST_DEV_KEY=true/,
    );
    expect(webhookOptions({ HOST: '0.0.0.0', FLAGS_TRUST_DEV_KEY: 'true' }).keys).toHaveLength(1);
    expect(() =>
      webhookOptions({ HOST: '0.0.0.0', FLAGS_TRUST_DEV_KEY: 'true', NODE_ENV: 'production' }),
    ).toThrow(/production/);
  });

  it('listens on loopback unless HOST says otherwise', () => {
    expect(listenHost({})).toBe('127.0.0.1');
    expect(listenHost({ HOST: '0.0.0.0' })).toBe('0.0.0.0');
  });

  it('adds an HS256 key and an issuer when configured', () => {
    const options = webhookOptions({
      FLAGS_PUBLIC_KEY_FILE: join(__dirname, '../../example-app/keys/dev-public.pem'),
      FLAGS_HS256_SECRET: 'a-shared-secret-of-at-least-32-bytes!',
      FLAGS_ISSUER: 'cp',
      FLAGS_AUDIENCE: 'shop',
    });
    expect(options).toMatchObject({
      audience: 'shop',
      issuer: 'cp',
      keys: [{ kid: 'es256' }, { kid: 'hs256' }],
    });
  });
});
