import { Controller, type INestApplication, Post } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { FlagService, FlagsModule, SIGNED_MEDIA_TYPE } from '../../lib';
import { ControllableStore } from '../module/controllable.store';
import { rawRequest } from '../support/raw-request';
import { AUDIENCE, PUBLIC_PEM, token } from './signed-app';

@Controller('host')
class HostController {
  @Post()
  echo() {
    return { ok: true };
  }
}

const flag = (defaultVariant: string) => ({
  state: 'ENABLED',
  variants: { on: true, off: false },
  defaultVariant,
});
const snapshot = (revision: number) =>
  JSON.stringify({ kind: 'snapshot', revision, flags: { beta: flag('on') } });

/**
 * The webhook's edges that need no database server: an outage, bodies it reads itself beside
 * the host's own parser and its limits, and tokens used twice on every endpoint.
 */
describe('signed endpoints at their edges', () => {
  let app: INestApplication;
  let store: ControllableStore;

  beforeEach(async () => {
    store = new ControllableStore();
    const moduleRef = await Test.createTestingModule({
      imports: [
        FlagsModule.forRoot({
          store,
          sync: { loadTimeoutMs: 200 },
          webhook: { audience: AUDIENCE, keys: [{ kid: 'cp', publicKey: PUBLIC_PEM }] },
        }),
      ],
      controllers: [HostController],
    }).compile();
    const nest = moduleRef.createNestApplication<NestExpressApplication>({ logger: false });
    // The host's own limit, far below a delivery's: the webhook does not depend on it.
    nest.useBodyParser('json', { limit: 2048 });
    app = await nest.init();
  });

  afterEach(() => app.close());

  const server = () => app.getHttpServer();
  const post = (path: string, body: string, bearer = token(body)) =>
    request(server())
      .post(`/_flags/${path}`)
      .set('content-type', SIGNED_MEDIA_TYPE)
      .set('authorization', `Bearer ${bearer}`)
      .send(body);
  const get = (path: string, bearer = token('')) =>
    request(server()).get(`/_flags/${path}`).set('authorization', `Bearer ${bearer}`);

  describe('while the database is down', () => {
    beforeEach(async () => {
      await post('deliveries', snapshot(1)).expect(200);
      store.mode = 'down';
    });

    it('answers deliveries 503 with Retry-After, applies nothing and keeps serving', async () => {
      const response = await post('deliveries', snapshot(2)).expect(503);
      expect(response.body.error).toBe('store_unavailable');
      expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
      expect(app.get(FlagService).revision).toBe(1);
      expect(app.get(FlagService).isEnabled('beta')).toBe(true);
      store.mode = 'up';
      expect((await store.inner.state()).revision).toBe(1);
    });

    it("reports the instance's snapshot on /state, and 503 where only the store can answer", async () => {
      const state = await get('state').expect(200);
      expect(state.body).toMatchObject({
        store: null,
        storeError: 'store_unavailable',
        instance: { revision: 1, flagCount: 1, source: 'store' },
      });
      await get('definitions').expect(503);
      await get('audit').expect(503);
      const question = JSON.stringify({ flags: ['beta'] });
      const answer = await post('evaluate', question).expect(200);
      expect(answer.body.results.beta.value).toBe(true);
    });
  });

  describe('while the database refuses to record a token', () => {
    it('refuses reads (503) rather than serve them unchecked, so the token cannot be replayed', async () => {
      await post('deliveries', snapshot(1)).expect(200);
      store.mode = 'refusing';
      const once = token('');
      const response = await get('state', once).expect(503);
      expect(response.body.error).toBe('store_unavailable');
      expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
      store.mode = 'up';
      await get('state', once).expect(200);
      await get('state', once).expect(401, { error: 'invalid_token', reason: 'replayed' });
    });
  });

  describe('bodies the webhook reads itself', () => {
    it('answers invalid JSON in the protocol’s terms, and changes nothing', async () => {
      const response = await post('deliveries', '{"kind":').expect(400);
      expect(response.body).toEqual({
        error: 'invalid_delivery',
        details: [{ path: '', message: expect.stringMatching(/^the body is not JSON/) }],
      });
      const evaluate = await post('evaluate', '[1,').expect(400);
      expect(evaluate.body.error).toBe('invalid_request');
      const latin1 = Buffer.from(
        '{"kind":"snapshot","revision":1,"flags":{"caf\xe9":{}}}',
        'latin1',
      );
      const bytes = await rawRequest(server(), {
        path: '/_flags/deliveries',
        headers: {
          'content-type': SIGNED_MEDIA_TYPE,
          authorization: `Bearer ${token(latin1)}`,
        },
        body: latin1,
      });
      expect(bytes.status).toBe(400);
      expect(bytes.json).toEqual({
        error: 'invalid_delivery',
        details: [{ path: '', message: 'the body is not UTF-8 text' }],
      });
      expect((await store.inner.state()).revision).toBe(0);
    });

    it("takes a delivery larger than the host's JSON limit, which still holds for its routes", async () => {
      const large = JSON.stringify({
        kind: 'snapshot',
        revision: 1,
        flags: { beta: flag('on') },
        metadata: { note: 'x'.repeat(4096) },
      });
      await post('deliveries', large).expect(200);
      const host = await request(server())
        .post('/host')
        .set('content-type', 'application/json')
        .send(JSON.stringify({ pad: 'x'.repeat(4096) }));
      expect(host.status).toBe(413);
      expect(host.body.error).not.toBe('payload_too_large');
    });

    it("leaves the host's own routes to the host's error handling", async () => {
      const response = await request(server())
        .post('/host')
        .set('content-type', 'application/json')
        .send('{"kind":')
        .expect(400);
      expect(response.body.error).not.toBe('invalid_delivery');
      expect(response.body.statusCode).toBe(400);
    });
  });

  describe('malformed read requests', () => {
    it.each([
      ['a context that is not an object', { context: [1] }, '/context'],
      ['flags that are not keys', { flags: 'beta' }, '/flags'],
      ['an unknown field', { context: {}, user: 'x' }, '/user'],
    ])('evaluate refuses %s', async (_name, question, path) => {
      const response = await post('evaluate', JSON.stringify(question)).expect(400);
      expect(response.body.error).toBe('invalid_request');
      expect(response.body.details.map((detail: { path: string }) => detail.path)).toContain(path);
    });

    it('audit refuses a page that is not two numbers', async () => {
      const response = await get('audit?after=-1&limit=abc').expect(400);
      expect(response.body.error).toBe('invalid_request');
      expect(response.body.details.map((detail: { path: string }) => detail.path)).toEqual([
        '/query/after',
        '/query/limit',
      ]);
    });
  });

  describe('a token used twice', () => {
    it.each(['state', 'definitions', 'audit'])('is refused on GET /_flags/%s', async (path) => {
      const once = token('');
      await get(path, once).expect(200);
      await get(path, once).expect(401, { error: 'invalid_token', reason: 'replayed' });
    });

    it('is refused on /evaluate', async () => {
      const body = JSON.stringify({ context: {} });
      const once = token(body);
      await post('evaluate', body, once).expect(200);
      await post('evaluate', body, once).expect(401, {
        error: 'invalid_token',
        reason: 'replayed',
      });
    });

    it('is refused for a delivery answered unchanged or conflict the first time', async () => {
      await post('deliveries', snapshot(3)).expect(200);
      const late = snapshot(2);
      const lateToken = token(late);
      await post('deliveries', late, lateToken).expect(200, { status: 'unchanged', revision: 3 });
      await post('deliveries', late, lateToken).expect(401);

      const patch = JSON.stringify({ kind: 'patch', revision: 9, baseRevision: 7, upsert: {} });
      const patchToken = token(patch);
      await post('deliveries', patch, patchToken).expect(409);
      await post('deliveries', patch, patchToken).expect(401, {
        error: 'invalid_token',
        reason: 'replayed',
      });
    });

    it('is not recorded for an invalid delivery: the same body is refused again as invalid', async () => {
      const body = JSON.stringify({ kind: 'snapshot', revision: 5, flags: { x: flag('maybe') } });
      const once = token(body);
      await post('deliveries', body, once).expect(400);
      const again = await post('deliveries', body, once).expect(400);
      expect(again.body.error).toBe('invalid_delivery');
    });
  });
});
