import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { WebhookKeyOptions, WebhookOptions } from '../../lib';
import { appDir } from './app-dir';

/**
 * The control plane's keys: FLAGS_PUBLIC_KEY_FILE (default: the published development key, which
 * production refuses), plus an HS256 secret when FLAGS_HS256_SECRET is set.
 */
export function webhookOptions(env: NodeJS.ProcessEnv = process.env): WebhookOptions {
  const devKey = join(appDir(), 'keys', 'dev-public.pem');
  const keyFile = resolve(env.FLAGS_PUBLIC_KEY_FILE ?? devKey);
  if (keyFile === devKey && env.NODE_ENV === 'production') {
    throw new Error(
      'The example app refuses its published development key in production: set FLAGS_PUBLIC_KEY_FILE to your own public key (npm run flags -- keygen).',
    );
  }
  const keys: WebhookKeyOptions[] = [{ kid: 'es256', publicKey: readFileSync(keyFile, 'utf8') }];
  if (env.FLAGS_HS256_SECRET) keys.push({ kid: 'hs256', secret: env.FLAGS_HS256_SECRET });
  return {
    audience: env.FLAGS_AUDIENCE ?? 'example-app',
    ...(env.FLAGS_ISSUER ? { issuer: env.FLAGS_ISSUER } : {}),
    keys,
  };
}
