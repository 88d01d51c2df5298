import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { WebhookKeyOptions, WebhookOptions } from '../../lib';
import { appDir } from './app-dir';
import { listenHost, listensOnLoopback } from './listen-host';

/** Anyone has the development key's private half: it is in this repository. */
function checkDevelopmentKey(env: NodeJS.ProcessEnv): void {
  if (env.NODE_ENV === 'production') {
    throw new Error(
      'The example app refuses its published development key in production: set FLAGS_PUBLIC_KEY_FILE to your own public key (npx hybrid-flags keygen).',
    );
  }
  if (!listensOnLoopback(env) && env.FLAGS_TRUST_DEV_KEY !== 'true') {
    throw new Error(
      `The example app listens on ${listenHost(env)}, beyond this machine, and trusts its published development key only on loopback: set FLAGS_PUBLIC_KEY_FILE to your own public key (npx hybrid-flags keygen), or FLAGS_TRUST_DEV_KEY=true if anyone who reaches it may change its flags.`,
    );
  }
}

/**
 * The control plane's keys: FLAGS_PUBLIC_KEY_FILE (default: the published development key,
 * trusted only on loopback and never in production), plus an HS256 secret when
 * FLAGS_HS256_SECRET is set.
 */
export function webhookOptions(env: NodeJS.ProcessEnv = process.env): WebhookOptions {
  const devKey = join(appDir(), 'keys', 'dev-public.pem');
  const keyFile = resolve(env.FLAGS_PUBLIC_KEY_FILE ?? devKey);
  if (keyFile === devKey) checkDevelopmentKey(env);
  const keys: WebhookKeyOptions[] = [{ kid: 'es256', publicKey: readFileSync(keyFile, 'utf8') }];
  if (env.FLAGS_HS256_SECRET) keys.push({ kid: 'hs256', secret: env.FLAGS_HS256_SECRET });
  return {
    audience: env.FLAGS_AUDIENCE ?? 'example-app',
    ...(env.FLAGS_ISSUER ? { issuer: env.FLAGS_ISSUER } : {}),
    keys,
  };
}
