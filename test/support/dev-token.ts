import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import { bodySha256 } from '../../lib/webhook/verify-token';

const DEV_KEY = readFileSync(join(__dirname, '..', '..', 'example-app', 'keys', 'dev-private.pem'));

/** A token for `body` signed with the example app's published development key, fresh `jti`. */
export function devToken(body: string): string {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    aud: 'example-app',
    iat: now,
    exp: now + 60,
    jti: randomUUID(),
    body_sha256: bodySha256(body),
    sub: 'test',
  };
  return jwt.sign(claims, DEV_KEY, { algorithm: 'ES256', keyid: 'es256' });
}
