import type { INestApplication } from '@nestjs/common';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import type { DatabaseTarget } from '../store/database-targets';
import { FlagService, FlagStore } from '../../lib';
import {
  PUBLIC_PEM,
  type SignedApp,
  databaseRows,
  postDelivery,
  postEvaluate,
  startSignedApp,
  token,
} from './signed-app';

const flag = (defaultVariant: string) => ({
  state: 'ENABLED',
  variants: { on: true, off: false },
  defaultVariant,
});
const snapshot = (revision: number, flags: Record<string, unknown> = { beta: flag('on') }) =>
  JSON.stringify({ kind: 'snapshot', revision, flags });

/**
 * The signed endpoints of a running application, against one database: what every control plane
 * relies on, with the database checked unchanged after every refusal.
 */
export function describeSignedEndpoints(target: DatabaseTarget): void {
  describe(`signed endpoints on ${target.name}`, () => {
    let signed: SignedApp | undefined;
    let app: INestApplication;

    beforeAll(async () => {
      signed = await startSignedApp(target, { maxDeliveryBytes: 4096 });
      app = signed.app;
    });

    afterAll(async () => {
      await signed?.close();
    });

    const post = (body: string, bearer = token(body), type = 'application/json') =>
      postDelivery(app, body, bearer, type);

    it('applies a signed snapshot, serves it at once, and reports it', async () => {
      const body = snapshot(1);
      await post(body).expect(200, { status: 'applied', revision: 1, changed: ['beta'] });
      expect(app.get(FlagService).isEnabled('beta')).toBe(true);
      await post(snapshot(1)).expect(200, { status: 'unchanged', revision: 1 });

      const state = await request(app.getHttpServer())
        .get('/_flags/state')
        .set('authorization', `Bearer ${token('')}`)
        .expect(200);
      expect(state.body).toMatchObject({
        store: { revision: 1, flagCount: 1 },
        instance: { revision: 1, source: 'store' },
      });
      expect(state.body.store.checksum).toBe(state.body.instance.checksum);

      const question = JSON.stringify({ context: { targetingKey: 'u1' }, flags: ['beta'] });
      const answer = await postEvaluate(app, question).expect(200);
      expect(answer.body.results.beta).toEqual({ value: true, variant: 'on', reason: 'STATIC' });

      const audit = await request(app.getHttpServer())
        .get('/_flags/audit?after=0&limit=10')
        .set('authorization', `Bearer ${token('')}`)
        .expect(200);
      expect(audit.body.changes).toEqual([
        expect.objectContaining({ revision: 1, kind: 'flag', key: 'beta', actor: 'alice' }),
      ]);
    });

    it('answers a patch on the wrong base with the current revision', async () => {
      const body = JSON.stringify({ kind: 'patch', revision: 9, baseRevision: 7, upsert: {} });
      await post(body).expect(409, { error: 'revision_conflict', currentRevision: 1 });
    });

    it('lets exactly one of 50 concurrent deliveries win a revision, leaving no gap in the change log', async () => {
      const store = app.get(FlagStore);
      const base = (await store.state()).revision;
      const bodies = Array.from({ length: 50 }, (_, i) =>
        JSON.stringify({
          kind: 'patch',
          revision: base + 1,
          baseRevision: base,
          upsert: { [`race-${i}`]: flag('on') },
        }),
      );
      const answers = await Promise.all(bodies.map((body) => post(body)));
      const applied = answers.filter(
        (answer) => answer.status === 200 && answer.body.status === 'applied',
      );
      expect(applied).toHaveLength(1);
      expect(answers.every((answer) => answer.status === 200 || answer.status === 409)).toBe(true);
      const log = await store.changes(0, 1000);
      const ids = log.map((change) => change.id);
      expect(ids).toEqual([...new Set(ids)].sort((a, b) => a - b));
      const won = log.filter((change) => change.revision === base + 1);
      expect(won.map((change) => change.key)).toEqual(applied[0].body.changed);
    });

    describe('refuses, changing nothing', () => {
      const proto =
        '{"kind":"snapshot","revision":50,"flags":{"x":{"state":"ENABLED","variants":{"on":true},"defaultVariant":"on","metadata":{"__proto__":"a"}}}}';
      let deep: unknown = { var: 'x' };
      for (let i = 0; i < 100; i++) deep = { '!': [deep] };
      const deepBody = JSON.stringify({
        kind: 'snapshot',
        revision: 50,
        flags: { x: { ...flag('on'), targeting: deep } },
      });
      const good = snapshot(50);
      const none = `${Buffer.from('{"alg":"none","kid":"cp"}').toString('base64url')}.${Buffer.from(JSON.stringify({ aud: 'shop', jti: 'n' })).toString('base64url')}.`;
      const now = Math.floor(Date.now() / 1000);

      it.each([
        ['alg none', good, none, 401, 'algorithm_not_allowed'],
        [
          'HS256 signed with the public key',
          good,
          jwt.sign({ aud: 'shop' }, PUBLIC_PEM, { algorithm: 'HS256', keyid: 'cp' }),
          401,
          'algorithm_not_allowed',
        ],
        ['an expired token', good, token(good, { iat: now - 200, exp: now - 100 }), 401, 'expired'],
        [
          'a token from the future',
          good,
          token(good, { iat: now + 120, exp: now + 150 }),
          401,
          'not_yet_valid',
        ],
        ['a long-lived token', good, token(good, { exp: now + 3600 }), 401, 'too_long_lived'],
        ['the wrong audience', good, token(good, { aud: 'other' }), 401, 'wrong_audience'],
        ['an unknown kid', good, token(good, {}, { keyid: 'old' }), 401, 'unknown_key'],
        ['a body altered after signing', good, token(snapshot(51)), 401, 'body_mismatch'],
        ['a missing jti', good, token(good, { jti: undefined }), 401, 'missing_claim:jti'],
      ])('%s', async (_name, body, bearer, status, reason) => {
        const before = await databaseRows(signed!);
        const response = await post(body, bearer).expect(status);
        expect(response.body).toEqual({ error: 'invalid_token', reason });
        expect(await databaseRows(signed!)).toEqual(before);
      });

      it.each([
        [
          'an unknown default variant',
          JSON.stringify({ kind: 'snapshot', revision: 50, flags: { x: flag('maybe') } }),
          400,
          '/flags/x/defaultVariant',
        ],
        ['a __proto__ key', proto, 400, '/flags/x/metadata/__proto__'],
        ['deeply nested targeting', deepBody, 400, '/flags/x/targeting'],
        ['a body that is no delivery', '{"kind":"replace"}', 400, '/kind'],
        ['a body that is not JSON', '{"kind":"snapshot",', 400, ''],
        ['a revision past 2^31 - 1', snapshot(2 ** 31), 400, '/revision'],
        [
          'a flag key longer than any column',
          JSON.stringify({
            kind: 'snapshot',
            revision: 50,
            flags: { ['k'.repeat(256)]: flag('on') },
          }),
          400,
          '',
        ],
        [
          'a number JSON cannot represent',
          '{"kind":"snapshot","revision":50,"flags":{"x":{"state":"ENABLED","variants":{"on":1e400},"defaultVariant":"on"}}}',
          400,
          '',
        ],
      ])('%s', async (_name, body, status, path) => {
        const before = await databaseRows(signed!);
        const response = await post(body).expect(status);
        expect(response.body.error).toBe('invalid_delivery');
        expect(
          response.body.details
            .map((detail: { path: string }) => detail.path)
            .some((at: string) => at.startsWith(path)),
        ).toBe(true);
        expect(await databaseRows(signed!)).toEqual(before);
      });

      it('a replayed token', async () => {
        const body = snapshot(60);
        const once = token(body);
        await post(body, once).expect(200);
        const before = await databaseRows(signed!);
        await post(
          snapshot(60).replace('60', '61'),
          token(snapshot(61), { jti: jwt.decode(once, { json: true })?.jti }),
        ).expect(401, {
          error: 'invalid_token',
          reason: 'replayed',
        });
        expect(await databaseRows(signed!)).toEqual(before);
      });

      it('a body that is not JSON, or too large', async () => {
        await post(good, token(good), 'text/plain').expect(415);
        const large = snapshot(
          70,
          Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`flag-${i}`, flag('on')])),
        );
        const response = await post(large).expect(413);
        expect(response.body.error).toBe('payload_too_large');
      });
    });
  });
}
