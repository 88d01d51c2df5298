import type { INestApplication } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { Server } from 'node:http';
import { FlagService, FlagsModule, InMemoryFlagStore, SIGNED_MEDIA_TYPE } from '../../lib';
import { RecordingLogger } from '../support/recording-logger';
import { rawRequest } from '../support/raw-request';
import { AUDIENCE, PUBLIC_PEM, token } from './signed-app';

const snapshot = JSON.stringify({
  kind: 'snapshot',
  revision: 1,
  flags: { beta: { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'on' } },
});

type Platform = 'Express' | 'Fastify';

async function start(platform: Platform, logger: RecordingLogger): Promise<INestApplication> {
  const moduleRef: TestingModule = await Test.createTestingModule({
    imports: [
      FlagsModule.forRoot({
        store: new InMemoryFlagStore(),
        sync: { loadTimeoutMs: 200 },
        metrics: false,
        webhook: {
          audience: AUDIENCE,
          keys: [{ kid: 'cp', publicKey: PUBLIC_PEM }],
          maxDeliveryBytes: 64 * 1024,
          bodyTimeoutMs: 300,
        },
      }),
    ],
  }).compile();
  const app =
    platform === 'Fastify'
      ? moduleRef.createNestApplication(new FastifyAdapter(), { logger })
      : moduleRef.createNestApplication({ logger });
  await app.init();
  if (platform === 'Fastify') {
    await (app.getHttpAdapter().getInstance() as { ready(): Promise<void> }).ready();
  }
  return app;
}

/**
 * How the webhook reads its bodies, on each HTTP platform: the token before a single byte, the
 * size before the bytes, the time it takes, and nothing of the host's body parsing.
 */
describe.each<Platform>(['Express', 'Fastify'])('signed bodies on %s', (platform) => {
  let app: INestApplication;
  let logger: RecordingLogger;

  beforeEach(async () => {
    logger = new RecordingLogger();
    app = await start(platform, logger);
  });

  afterEach(() => app.close());

  const server = () => app.getHttpServer() as Server;
  const deliver = (body: Buffer, headers: Record<string, string>, pacing = {}) =>
    rawRequest(server(), {
      path: '/_flags/deliveries',
      headers: { 'content-type': SIGNED_MEDIA_TYPE, ...headers },
      body,
      ...pacing,
    });

  it('applies a delivery read by the webhook itself, with no raw-body option on the app', async () => {
    const answer = await deliver(Buffer.from(snapshot), {
      authorization: `Bearer ${token(snapshot)}`,
    });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ status: 'applied', revision: 1 });
    expect(app.get(FlagService).isEnabled('beta')).toBe(true);
  });

  it('refuses a request without a valid token before reading its body, and closes the connection', async () => {
    // 50 KB of nested arrays, sent slowly: the answer comes long before the last byte would.
    const body = Buffer.from(`${'['.repeat(25_000)}${']'.repeat(25_000)}`);
    const started = Date.now();
    const answer = await deliver(
      body,
      { authorization: 'Bearer not-a-token' },
      {
        slices: 50,
        pauseMs: 100,
      },
    );
    expect(answer.status).toBe(401);
    expect(answer.json).toEqual({ error: 'invalid_token', reason: 'malformed_token' });
    expect(answer.headers.connection).toBe('close');
    expect(Date.now() - started).toBeLessThan(50 * 100);
  });

  it('refuses a declared length over the limit before reading, and a longer stream as it passes it', async () => {
    const large = Buffer.alloc(65 * 1024, 0x20);
    const declared = await deliver(large, { authorization: `Bearer ${token(large)}` });
    expect(declared.status).toBe(413);
    expect((declared.json as { error: string }).error).toBe('payload_too_large');
    const chunked = await rawRequest(server(), {
      path: '/_flags/deliveries',
      headers: {
        'content-type': SIGNED_MEDIA_TYPE,
        'transfer-encoding': 'chunked',
        authorization: `Bearer ${token(large)}`,
      },
      body: large,
      slices: 8,
    });
    expect(chunked.status).toBe(413);
  });

  it('refuses a body that arrives slower than bodyTimeoutMs with 408', async () => {
    const body = Buffer.from(snapshot);
    const answer = await deliver(
      body,
      { authorization: `Bearer ${token(body)}` },
      {
        slices: 10,
        pauseMs: 100,
      },
    );
    expect(answer.status).toBe(408);
    expect((answer.json as { error: string }).error).toBe('request_timeout');
    expect(app.get(FlagService).revision).toBe(0);
  });

  it('refuses a compressed body without inflating it', async () => {
    const body = Buffer.from(snapshot);
    const answer = await deliver(body, {
      authorization: `Bearer ${token(body)}`,
      'content-encoding': 'br',
    });
    expect(answer.status).toBe(415);
    expect((answer.json as { error: string }).error).toBe('unsupported_encoding');
  });

  it('logs refused tokens as one tally, not one entry each', async () => {
    for (let i = 0; i < 5; i++) {
      await deliver(Buffer.from(snapshot), { authorization: `Bearer ${token('other')}` });
    }
    expect(logger.events('flags.')).toEqual([]);
    await app.close();
    expect(logger.events('flags.')).toEqual([
      expect.objectContaining({
        level: 'warn',
        event: 'flags.requests.refused',
        count: 5,
        reasons: { body_mismatch: 5 },
        endpoints: { deliveries: 5 },
      }),
    ]);
  });
});
