import { type CallHandler, type ExecutionContext, Injectable } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { map } from 'rxjs';
import { type FlagEvaluationEvent, FlagsConfigurationError, FlagsModule } from '../../lib';
import { UsageCounter } from '../../lib/core/usage-counter';
import { OFREP_CONTEXT_LIMITS } from '../../lib/ofrep/ofrep-request';
import { until } from '../support/until';
import { writeFlagSet } from '../support/write-flag-set';
import { ApiKeyGuard, OFREP_FLAGS, type OfrepApp, startOfrepApp } from './ofrep-fixtures';

const FLAGS = '/ofrep/v1/evaluate/flags';

/** A host's interceptor that wraps every returned value, as many applications do. */
@Injectable()
class WrapEverything {
  intercept(_context: ExecutionContext, next: CallHandler) {
    return next.handle().pipe(map((data) => ({ data })));
  }
}

describe('OFREP served by the application', () => {
  const running: OfrepApp[] = [];
  const start = async (...args: Parameters<typeof startOfrepApp>) => {
    const app = await startOfrepApp(...args);
    running.push(app);
    return app;
  };

  afterEach(async () => {
    await Promise.all(running.splice(0).map((app) => app.close()));
  });

  describe.each([
    ['Express', false],
    ['Fastify', true],
  ])('single evaluations on %s', (_name, fastify) => {
    it('answers each type with its value, variant, reason and metadata', async () => {
      const app = await start({}, { fastify });
      const checkout = await app.post(`${FLAGS}/new-checkout`, { context: { plan: 'internal' } });
      expect(checkout.status).toBe(200);
      expect(checkout.headers.get('content-type')).toMatch(/^application\/json/);
      expect(checkout.json()).toEqual({
        key: 'new-checkout',
        value: true,
        variant: 'on',
        reason: 'TARGETING_MATCH',
        metadata: { public: true, owner: 'payments' },
      });
      expect((await app.post(`${FLAGS}/theme`, {})).json()).toMatchObject({
        value: 'dark',
        reason: 'STATIC',
      });
      expect((await app.post(`${FLAGS}/upload-limit`, { context: {} })).json().value).toBe(100);
      expect((await app.post(`${FLAGS}/banner`, { context: {} })).json().value).toEqual({
        text: 'Sale!',
      });
    });

    it('answers a disabled flag with no value, so the caller uses its code default', async () => {
      const app = await start({}, { fastify });
      const legacy = await app.post(`${FLAGS}/legacy`, { context: {} });
      expect(legacy.status).toBe(200);
      expect(legacy.json()).toEqual({
        key: 'legacy',
        reason: 'DISABLED',
        metadata: { public: true },
      });
    });

    it('answers 404 FLAG_NOT_FOUND for an unknown flag and for an unexposed one alike', async () => {
      const app = await start({}, { fastify });
      const unknown = await app.post(`${FLAGS}/no-such-flag`, { context: {} });
      const hidden = await app.post(`${FLAGS}/admin-tools`, { context: {} });
      expect(unknown.status).toBe(404);
      expect(hidden.status).toBe(404);
      expect(hidden.json()).toEqual({
        key: 'admin-tools',
        errorCode: 'FLAG_NOT_FOUND',
        errorDetails: 'Flag "admin-tools" was not found.',
      });
      expect(unknown.json()).toEqual({
        ...hidden.json(),
        key: 'no-such-flag',
        errorDetails: 'Flag "no-such-flag" was not found.',
      });
      expect(hidden.text).not.toContain('secret-team');
    });

    it('answers 400 with the flag failure for a flag that cannot be evaluated', async () => {
      const app = await start({}, { fastify });
      const picked = await app.post(`${FLAGS}/picked`, { context: { pick: 'zzz' } });
      expect(picked.status).toBe(400);
      expect(picked.json()).toMatchObject({ key: 'picked', errorCode: 'GENERAL' });
      expect(picked.json().errorDetails).toMatch(/picked/);
    });
  });

  describe('the caller context', () => {
    it('is merged under the server request context: the server attributes win', async () => {
      const app = await start({ context: { headers: { 'x-plan': 'plan' } } });
      const claimed = { context: { targetingKey: 'u1', plan: 'internal' } };
      const asFree = await app.post(`${FLAGS}/new-checkout`, claimed, { 'x-plan': 'free' });
      expect(asFree.json()).toMatchObject({ value: false, variant: 'off' });
      // Nothing derived by the server for this request: the caller's context stands.
      const service = await app.post(`${FLAGS}/new-checkout`, claimed);
      expect(service.json()).toMatchObject({ value: true, variant: 'on' });
    });

    it('cannot claim an attribute the server derives as unknown', async () => {
      const app = await start({
        context: {
          fromRequest: (request: { headers: Record<string, string> }) => ({
            plan: request.headers['x-plan'],
          }),
        },
      });
      const claimed = { context: { plan: 'internal' } };
      expect((await app.post(`${FLAGS}/new-checkout`, claimed)).json().value).toBe(false);
      const bulk = await app.post(FLAGS, claimed);
      expect(
        bulk.json().flags.find((flag: { key: string }) => flag.key === 'new-checkout'),
      ).toMatchObject({ value: false });
    });

    it.each([
      ['a body that is not an object', '[1]', /JSON object/],
      ['a context that is not an object', { context: 'u1' }, /context must be an object/],
      ['a null context', { context: null }, /context must be an object/],
      [
        'a targetingKey that is not a string',
        { context: { targetingKey: 7 } },
        /targetingKey must be a string/,
      ],
      [
        'too many attributes',
        {
          context: Object.fromEntries(
            Array.from({ length: OFREP_CONTEXT_LIMITS.attributes + 1 }, (_, i) => [`a${i}`, i]),
          ),
        },
        /201 attributes; at most 200/,
      ],
      [
        'too long a string',
        { context: { name: 'x'.repeat(OFREP_CONTEXT_LIMITS.stringLength + 1) } },
        /longer than 8192/,
      ],
      ['too deep an object', { context: { a: [[[[[[[[[1]]]]]]]]] } }, /nested more than 8 deep/],
      [
        'too many values in all',
        { context: { list: Array.from({ length: OFREP_CONTEXT_LIMITS.values }, () => 1) } },
        /more than 2000 values/,
      ],
    ])('refuses %s with 400 INVALID_CONTEXT, evaluating nothing', async (_name, body, details) => {
      const events: FlagEvaluationEvent[] = [];
      const app = await start({ events: { onEvaluation: (event) => events.push(event) } });
      for (const path of [`${FLAGS}/theme`, FLAGS]) {
        const answer = await app.post(path, body);
        expect(answer.status).toBe(400);
        expect(answer.json().errorCode).toBe('INVALID_CONTEXT');
        expect(answer.json().errorDetails).toMatch(details);
      }
      expect(app.app.get(UsageCounter).unflushed().size).toBe(0);
      expect(events).toEqual([]);
    });

    it('says what to do when the body was not parsed as JSON', async () => {
      const app = await start();
      const answer = await fetch(`${app.url}${FLAGS}/theme`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: '{"context":{}}',
      });
      expect(answer.status).toBe(400);
      expect(await answer.json()).toMatchObject({
        errorCode: 'INVALID_CONTEXT',
        errorDetails: expect.stringMatching(/Content-Type: application\/json/),
      });
    });
  });

  describe('bulk evaluation', () => {
    it('lists every exposed flag and no other, with failures as items', async () => {
      const app = await start();
      const bulk = await app.post(FLAGS, { context: { plan: 'internal', pick: 'zzz' } });
      expect(bulk.status).toBe(200);
      const flags: Array<{ key: string }> = bulk.json().flags;
      expect(flags.map((flag) => flag.key).sort()).toEqual(
        ['banner', 'legacy', 'new-checkout', 'picked', 'theme', 'upload-limit'].sort(),
      );
      expect(bulk.text).not.toContain('admin-tools');
      expect(bulk.text).not.toContain('secret-team');
      expect(flags.find((flag) => flag.key === 'picked')).toMatchObject({ errorCode: 'GENERAL' });
      expect(flags.find((flag) => flag.key === 'new-checkout')).toMatchObject({ value: true });
    });

    it('answers 304 to the same question while nothing changed, and 200 with a new tag after', async () => {
      const app = await start();
      const question = { context: { targetingKey: 'u1' } };
      const first = await app.post(FLAGS, question);
      const etag = first.headers.get('etag')!;
      expect(etag).toMatch(/^"[\w-]{27}"$/);
      expect(first.headers.get('cache-control')).toBe('private, no-cache');

      const again = await app.post(FLAGS, question, { 'if-none-match': etag });
      expect(again.status).toBe(304);
      expect(again.text).toBe('');
      expect(again.headers.get('etag')).toBe(etag);
      expect(
        (await app.post(FLAGS, question, { 'if-none-match': `W/${etag}, "other"` })).status,
      ).toBe(304);

      const otherCaller = await app.post(
        FLAGS,
        { context: { plan: 'internal' } },
        { 'if-none-match': etag },
      );
      expect(otherCaller.status).toBe(200);

      await writeFlagSet(app.store, {
        flags: {
          ...OFREP_FLAGS.flags,
          theme: { ...(OFREP_FLAGS.flags.theme as object), defaultVariant: 'light' },
        },
      });
      await until(
        async () => (await app.post(FLAGS, question, { 'if-none-match': etag })).status === 200,
      );
      const changed = await app.post(FLAGS, question, { 'if-none-match': etag });
      expect(changed.headers.get('etag')).not.toBe(etag);
      expect(changed.json().flags.find((flag: { key: string }) => flag.key === 'theme').value).toBe(
        'light',
      );
    });

    it('counts what it sends in usage and events, and nothing for a 304', async () => {
      const events: FlagEvaluationEvent[] = [];
      const app = await start({ events: { onEvaluation: (event) => events.push(event) } });
      const first = await app.post(FLAGS, { context: { targetingKey: 'u1' } });
      await app.post(`${FLAGS}/theme`, { context: { targetingKey: 'u1' } });
      await app.post(
        FLAGS,
        { context: { targetingKey: 'u1' } },
        { 'if-none-match': first.headers.get('etag')! },
      );
      const counts = app.app.get(UsageCounter).unflushed();
      expect(counts.get('theme')).toEqual({ dark: 2 });
      expect(counts.get('legacy')).toEqual({ '': 1 });
      expect(counts.has('admin-tools')).toBe(false);
      await until(() => events.length === 7);
      expect(events.find((event) => event.flagKey === 'theme')).toMatchObject({
        variant: 'dark',
        reason: 'STATIC',
        targetingKey: 'u1',
      });
    });
  });

  describe('exposure', () => {
    it("serves every flag with expose: 'all', and the flags a function selects", async () => {
      const all = await start({ ofrep: { expose: 'all' } });
      expect((await all.post(`${FLAGS}/admin-tools`, {})).json().value).toBe(true);
      const some = await start({ ofrep: { expose: (flag) => flag.key.startsWith('the') } });
      expect(
        (await some.post(FLAGS, {})).json().flags.map((flag: { key: string }) => flag.key),
      ).toEqual(['theme']);
      expect((await some.post(`${FLAGS}/new-checkout`, {})).status).toBe(404);
    });

    it('keeps a flag hidden when expose throws on it', async () => {
      const app = await start({
        ofrep: {
          expose: (flag) => {
            if (flag.key === 'theme') throw new Error('boom');
            return true;
          },
        },
      });
      expect((await app.post(`${FLAGS}/theme`, {})).status).toBe(404);
      expect((await app.post(`${FLAGS}/banner`, {})).status).toBe(200);
    });
  });

  describe('mounting and protection', () => {
    it('mounts under ofrep.path, and answers 404 when OFREP is off', async () => {
      const mounted = await start({ ofrep: { path: '/flags-api/' } });
      expect((await mounted.post(`/flags-api${FLAGS}/theme`, {})).status).toBe(200);
      expect((await mounted.post(`${FLAGS}/theme`, {})).status).toBe(404);
      const off = await start({ ofrep: false });
      const answer = await off.post(`${FLAGS}/theme`, {});
      expect(answer.status).toBe(404);
      expect(answer.text).not.toContain('FLAG_NOT_FOUND');
    });

    it('applies ofrep.guards to its routes only, and the application global guards', async () => {
      const app = await start({ ofrep: { guards: [new ApiKeyGuard('k1')] } });
      expect((await app.post(`${FLAGS}/theme`, {})).status).toBe(403);
      expect((await app.post(FLAGS, {}, { 'x-api-key': 'k1' })).status).toBe(200);

      const global = await start(
        {},
        { providers: [{ provide: APP_GUARD, useValue: new ApiKeyGuard('k2') }] },
      );
      expect((await global.post(FLAGS, {})).status).toBe(403);
      expect((await global.post(FLAGS, {}, { 'x-api-key': 'k2' })).status).toBe(200);
    });

    it("keeps its bodies whatever the application's interceptors do to returned values", async () => {
      const app = await start(
        {},
        { providers: [{ provide: APP_INTERCEPTOR, useClass: WrapEverything }] },
      );
      expect((await app.post(`${FLAGS}/theme`, {})).json()).toMatchObject({
        key: 'theme',
        value: 'dark',
      });
      expect((await app.post(FLAGS, {})).json().flags).toHaveLength(6);
    });

    it.each([
      [{ path: '../x' }, /ofrep.path must be a URL path/],
      [{ expose: 'public' }, /ofrep.expose is 'all' or a function/],
      [{ guards: ['x'] }, /ofrep.guards is an array of guards/],
      [{ pathh: 'x' }, /unknown option ofrep.pathh/],
      ['yes', /ofrep is an object of options/],
    ])('refuses ofrep %j at forRoot with what to write', (ofrep, message) => {
      expect(() => FlagsModule.forRoot({ ofrep } as never)).toThrow(FlagsConfigurationError);
      expect(() => FlagsModule.forRoot({ ofrep } as never)).toThrow(message);
    });
  });
});
