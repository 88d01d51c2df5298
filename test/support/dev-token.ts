import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { SIGNED_MEDIA_TYPE } from '../../lib/webhook/webhook.constants';
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

/**
 * Posts a patch of `upsert` from `revision - 1` to `revision`, signed with the development key, to
 * the example app's webhook at `server`; the supertest request, to expect on.
 */
export function deliverWithDevKey(
  server: Parameters<typeof request>[0],
  upsert: Record<string, unknown>,
  revision = 2,
) {
  const body = JSON.stringify({ kind: 'patch', revision, baseRevision: revision - 1, upsert });
  return request(server)
    .post('/_flags/deliveries')
    .set({ 'content-type': SIGNED_MEDIA_TYPE, authorization: `Bearer ${devToken(body)}` })
    .send(body);
}
