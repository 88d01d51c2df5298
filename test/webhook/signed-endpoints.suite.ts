import type { INestApplication } from '@nestjs/common';
import { gzipSync } from 'node:zlib';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import type { DatabaseTarget } from '../store/database-targets';
import { FlagService, FlagStore, SIGNED_MEDIA_TYPE } from '../../lib';
import { FlagRefresher } from '../../lib/sync/flag-refresher';
import { refBomb } from '../support/ref-bomb';
import { writeFlagSet } from '../support/write-flag-set';
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

    const post = (body: string, bearer = token(body), type = SIGNED_MEDIA_TYPE) =>
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
        // Longer than the delivery table's column, or not storable as text: once recorded
        // nowhere, such ids could be replayed at will.
        [
          'a jti of 256 characters',
          good,
          token(good, { jti: 'j'.repeat(256) }),
          401,
          'invalid_claim:jti',
        ],
        ['a jti with U+0000', good, token(good, { jti: 'id\u0000' }), 401, 'invalid_claim:jti'],
        [
          'a token with critical header extensions',
          good,
          token(
            good,
            {},
            { header: { alg: 'ES256', kid: 'cp', crit: ['b64'], b64: false } as never },
          ),
          401,
          'unsupported_crit',
        ],
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
        [
          'a key twice in one object',
          '{"kind":"snapshot","revision":50,"flags":{"x":{"state":"DISABLED","variants":{"on":true},"defaultVariant":"on","state":"ENABLED"}}}',
          400,
          '/flags/x/state',
        ],
        [
          'nesting deeper than any flag set',
          `{"kind":"snapshot","revision":50,"flags":{},"metadata":${'['.repeat(200)}${']'.repeat(200)}}`,
          400,
          '/metadata/0/0',
        ],
        ['a revision that is not a whole number', snapshot(1.5), 400, '/revision'],
        [
          'a key that looks like another (zero-width space)',
          snapshot(50, { 'new-checkout\u200b': flag('on') }),
          400,
          '/flags/new-checkout\u200b',
        ],
        [
          'a key not in Unicode NFC',
          snapshot(50, { 'cafe\u0301': flag('on') }),
          400,
          '/flags/cafe\u0301',
        ],
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
        // JSON, but of a type the host's own parser reads first: the webhook reads its own.
        const json = await post(good, token(good), 'application/json').expect(415);
        expect(json.body.error).toBe('unsupported_media_type');
        const large = snapshot(
          70,
          Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`flag-${i}`, flag('on')])),
        );
        const response = await post(large).expect(413);
        expect(response.body.error).toBe('payload_too_large');
      });

      it('a $ref bomb of a few kilobytes, before it is expanded', async () => {
        const before = await databaseRows(signed!);
        const body = JSON.stringify({ kind: 'snapshot', revision: 80, ...refBomb(7) });
        expect(body.length).toBeLessThan(3000);
        const response = await post(body).expect(400);
        expect(response.body.details).toContainEqual({
          path: '/flags/bomb/targeting/if/0/$ref',
          message: expect.stringMatching(/maxNodes/),
        });
        expect(await databaseRows(signed!)).toEqual(before);
      });

      it('a compressed body, whatever it inflates to', async () => {
        const before = await databaseRows(signed!);
        const compressed = gzipSync(good);
        const response = await request(app.getHttpServer())
          .post('/_flags/deliveries')
          .set('content-type', SIGNED_MEDIA_TYPE)
          .set('content-encoding', 'gzip')
          .set('authorization', `Bearer ${token(good)}`)
          .send(compressed)
          .expect(415);
        expect(response.body.error).toBe('unsupported_encoding');
        expect(await databaseRows(signed!)).toEqual(before);
      });
    });

    it('serves a $ref bomb found in the store as PARSE_ERROR for that flag alone', async () => {
      // Written past validation, as a database edited by hand (or an older version) could hold it.
      const revision = await writeFlagSet(app.get(FlagStore), refBomb(7));
      await app.get(FlagRefresher).refresh();
      const flags = app.get(FlagService);
      expect(flags.revision).toBe(revision);
      expect(flags.evaluate('bomb', { country: 'US' })).toMatchObject({
        reason: 'ERROR',
        errorCode: 'PARSE_ERROR',
      });
      expect(flags.isEnabled('neighbour', { country: 'US' })).toBe(true);
      const answer = await postEvaluate(app, JSON.stringify({ context: { country: 'CA' } }));
      expect(answer.body.results).toMatchObject({
        bomb: { reason: 'ERROR', errorCode: 'PARSE_ERROR' },
        neighbour: { value: true, reason: 'TARGETING_MATCH' },
        plain: { value: false, reason: 'STATIC' },
      });
    });

    describe('read requests', () => {
      const get = (path: string, bearer = token('')) =>
        request(app.getHttpServer())
          .get(`/_flags/${path}`)
          .set('authorization', `Bearer ${bearer}`);

      it.each([
        ['an id past the change log', 'audit?after=1e20', '/query/after'],
        ['an id of 21 digits', 'audit?after=100000000000000000000', '/query/after'],
        ['a page of 0', 'audit?limit=0', '/query/limit'],
        ['a page too large', 'audit?limit=1001', '/query/limit'],
        ['days in the future', 'usage?days=401', '/query/days'],
      ])('answer %s 400, not 503', async (_name, path, pointer) => {
        const response = await get(path).expect(400);
        expect(response.body.error).toBe('invalid_request');
        expect(response.body.details.map((detail: { path: string }) => detail.path)).toEqual([
          pointer,
        ]);
      });

      it('refuse the same token twice, whatever its jti looks like', async () => {
        for (const jti of ['j'.repeat(255), 'livraison-été']) {
          const once = token('', { jti });
          await get('state', once).expect(200);
          await get('state', once).expect(401, { error: 'invalid_token', reason: 'replayed' });
        }
      });
    });
  });
}
