import { type INestApplication, type LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import {
  FlagsModule,
  type FlagsModuleOptions,
  InMemoryFlagStore,
  SIGNED_MEDIA_TYPE,
} from '../../lib';
import { RefusalTally } from '../../lib/webhook/refusal-tally';
import { ControllableStore } from '../module/controllable.store';
import { sqliteTarget } from '../store/database-targets';
import {
  AUDIENCE,
  PUBLIC_PEM,
  type SignedApp,
  postDelivery,
  startSignedApp,
  token,
} from './signed-app';

interface Entry {
  level: string;
  message: unknown;
  context?: unknown;
}

/** Keeps what the application logs; Nest passes the logger's context as the last argument. */
class RecordingLogger implements LoggerService {
  readonly entries: Entry[] = [];
  log(message: unknown, ...rest: unknown[]) {
    this.entries.push({ level: 'log', message, context: rest.at(-1) });
  }
  warn(message: unknown, ...rest: unknown[]) {
    this.entries.push({ level: 'warn', message, context: rest.at(-1) });
  }
  error(message: unknown, ...rest: unknown[]) {
    this.entries.push({ level: 'error', message, context: rest.at(-1) });
  }
  debug() {}
  verbose() {}

  /** The delivery log entries, as their level plus the object logged. */
  deliveries(): Array<Record<string, unknown> & { level: string }> {
    return this.events('flags.delivery.');
  }

  /** The structured entries whose event starts with `prefix`. */
  events(prefix: string): Array<Record<string, unknown> & { level: string }> {
    return this.entries
      .filter(({ message }) =>
        String((message as { event?: unknown } | null)?.event).startsWith(prefix),
      )
      .map((entry) => {
        expect(entry.context).toBe('FlagsModule');
        return { level: entry.level, ...(entry.message as Record<string, unknown>) };
      });
  }
}

// A value no log entry may show: flag values stay out of logs.
const SECRET_VALUE = 'value-never-logged';
const flags = {
  beta: { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'on' },
  theme: {
    state: 'ENABLED',
    variants: { dark: SECRET_VALUE, light: 'light' },
    defaultVariant: 'dark',
  },
};
const snapshot = (revision: number) => JSON.stringify({ kind: 'snapshot', revision, flags });
const WEBHOOK = { audience: AUDIENCE, keys: [{ kid: 'cp', publicKey: PUBLIC_PEM }] };

/** An application on an in-memory store, recording its logs. */
async function inMemoryApp(
  options: FlagsModuleOptions,
  logger: RecordingLogger,
): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [FlagsModule.forRoot({ sync: { loadTimeoutMs: 200 }, metrics: false, ...options })],
  }).compile();
  return moduleRef.createNestApplication({ logger }).init();
}

describe('delivery logs', () => {
  let logger: RecordingLogger;

  beforeEach(() => {
    logger = new RecordingLogger();
  });

  describe('on SQLite', () => {
    let signed: SignedApp;
    let app: INestApplication;

    beforeEach(async () => {
      signed = await startSignedApp(sqliteTarget(), { maxDeliveryBytes: 4096 });
      app = signed.app;
      app.useLogger(logger);
    });

    afterEach(() => signed.close());

    it('logs an applied delivery with its revision, changes, id and actor, never its values', async () => {
      const body = snapshot(1);
      const bearer = token(body, { jti: 'delivery-1', sub: 'ada' });
      await postDelivery(app, body, bearer).expect(200);
      const patch = JSON.stringify({
        kind: 'patch',
        revision: 2,
        baseRevision: 1,
        upsert: { theme: { ...flags.theme, defaultVariant: 'light' } },
        delete: ['beta'],
      });
      await postDelivery(app, patch, token(patch, { jti: 'delivery-2' })).expect(200);

      const [first, second] = logger.deliveries();
      expect(logger.deliveries()).toHaveLength(2);
      expect(first).toEqual({
        level: 'log',
        event: 'flags.delivery.applied',
        status: 200,
        kind: 'snapshot',
        revision: 1,
        deliveryId: 'delivery-1',
        actor: 'ada',
        changedCount: 2,
        changed: ['beta', 'theme'],
        durationMs: expect.any(Number),
      });
      expect(second).toMatchObject({
        event: 'flags.delivery.applied',
        kind: 'patch',
        revision: 2,
        baseRevision: 1,
        deliveryId: 'delivery-2',
        actor: 'alice',
        changedCount: 2,
      });
      const logged = JSON.stringify(logger.entries);
      expect(logged).not.toContain(SECRET_VALUE);
      expect(logged).not.toContain(bearer.split('.')[2]);
    });

    it('logs a delivery that is not newer as unchanged', async () => {
      await postDelivery(app, snapshot(2)).expect(200);
      await postDelivery(app, snapshot(1), token(snapshot(1), { jti: 'late' })).expect(200, {
        status: 'unchanged',
        revision: 2,
      });
      expect(logger.deliveries()[1]).toEqual({
        level: 'log',
        event: 'flags.delivery.unchanged',
        status: 200,
        kind: 'snapshot',
        revision: 1,
        currentRevision: 2,
        deliveryId: 'late',
        actor: 'alice',
        durationMs: expect.any(Number),
      });
    });

    it('logs each refusal as a warning with the code the answer carries', async () => {
      const now = Math.floor(Date.now() / 1000);
      const body = snapshot(1);
      const once = token(body, { jti: 'used-twice' });
      const [header, payload, signature] = token(body).split('.');
      const forged = `${header}.${payload}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
      const invalid = JSON.stringify({
        kind: 'snapshot',
        revision: 3,
        flags: { broken: { ...flags.beta, defaultVariant: 'maybe' } },
      });
      const conflict = JSON.stringify({ kind: 'patch', revision: 9, baseRevision: 7, upsert: {} });
      const large = JSON.stringify({
        kind: 'snapshot',
        revision: 4,
        flags: {},
        pad: 'x'.repeat(5000),
      });

      await postDelivery(app, body, once).expect(200);
      await postDelivery(app, body, once).expect(401);
      await postDelivery(
        app,
        snapshot(2),
        token(snapshot(2), { iat: now - 200, exp: now - 100 }),
      ).expect(401);
      await postDelivery(app, body, forged).expect(401);
      await postDelivery(app, invalid).expect(400);
      await postDelivery(app, conflict, token(conflict, { jti: 'conflicting' })).expect(409);
      await postDelivery(app, large).expect(413);
      await postDelivery(app, body, token(body), 'text/plain').expect(415);

      const refused = logger.deliveries().slice(1);
      expect(refused.map(({ level, event }) => `${level} ${String(event)}`)).toEqual(
        Array(4).fill('warn flags.delivery.refused'),
      );
      expect(refused).toEqual([
        expect.objectContaining({
          status: 400,
          reason: 'invalid_delivery',
          problemCount: 1,
          problems: ['/flags/broken/defaultVariant'],
        }),
        expect.objectContaining({
          status: 409,
          reason: 'revision_conflict',
          currentRevision: 1,
          kind: 'patch',
          revision: 9,
          baseRevision: 7,
          deliveryId: 'conflicting',
        }),
        expect.objectContaining({ status: 413, reason: 'payload_too_large' }),
        expect.objectContaining({ status: 415, reason: 'unsupported_media_type' }),
      ]);
      // Refused tokens are anyone's to send: one tally line, never one entry each.
      app.get(RefusalTally).flush();
      expect(logger.events('flags.requests.')).toEqual([
        {
          level: 'warn',
          event: 'flags.requests.refused',
          count: 3,
          seconds: expect.any(Number),
          reasons: { replayed: 1, expired: 1, bad_signature: 1 },
          endpoints: { deliveries: 3 },
        },
      ]);
      expect(JSON.stringify(logger.entries)).not.toContain(forged.split('.')[2]);
    });
  });

  describe('on an in-memory store', () => {
    let app: INestApplication | undefined;

    afterEach(async () => {
      await app?.close();
      app = undefined;
    });

    it('logs a delivery the store could not take as failed, with the cause', async () => {
      const store = new ControllableStore();
      app = await inMemoryApp({ store, webhook: WEBHOOK }, logger);
      await postDelivery(app, snapshot(1)).expect(200);
      store.mode = 'down';
      await postDelivery(app, snapshot(2), token(snapshot(2), { jti: 'in-outage' })).expect(503);
      expect(logger.deliveries()).toHaveLength(2);
      expect(logger.deliveries()[1]).toEqual({
        level: 'warn',
        event: 'flags.delivery.failed',
        reason: 'store_unavailable',
        status: 503,
        cause: 'connect ECONNREFUSED 127.0.0.1:5432',
        kind: 'snapshot',
        revision: 2,
        deliveryId: 'in-outage',
        actor: 'alice',
        durationMs: expect.any(Number),
      });
    });

    it('logs a delivery to an application without a webhook', async () => {
      app = await inMemoryApp({ store: new InMemoryFlagStore() }, logger);
      await request(app.getHttpServer())
        .post('/_flags/deliveries')
        .set('content-type', SIGNED_MEDIA_TYPE)
        .send(snapshot(1))
        .expect(404);
      expect(logger.deliveries()).toEqual([
        expect.objectContaining({ level: 'warn', reason: 'webhook_not_configured', status: 404 }),
      ]);
    });
  });
});
