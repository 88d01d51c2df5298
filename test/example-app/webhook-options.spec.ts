import { join } from 'node:path';
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
