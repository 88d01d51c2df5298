import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { deliverWithDevKey } from '../support/dev-token';
import { RecordingLogger } from '../support/recording-logger';
import { type ExampleApp, PLATFORMS, startExampleAppOnSqlite } from './example-app.fixture';

describe.each(PLATFORMS)('example app on SQLite, $name', (platform) => {
  let started: ExampleApp;
  let app: INestApplication;

  beforeAll(async () => {
    started = await startExampleAppOnSqlite(platform);
    app = started.app;
  });

  afterAll(async () => {
    await started?.close();
  });

  it('answers GET / with the flags for the caller, from the seeded store', async () => {
    const premium = await request(app.getHttpServer())
      .get('/')
      .set({ 'x-user-id': 'ada', 'x-country': 'us', 'x-plan': 'premium' })
      .expect(200);
    expect(premium.body.revision).toBe(1);
    expect(premium.body.context).toEqual({ targetingKey: 'ada', country: 'US', plan: 'premium' });
    expect(premium.body.flags['new-checkout']).toEqual({
      value: true,
      variant: 'on',
      reason: 'TARGETING_MATCH',
    });
    expect(premium.body.flags['maintenance-banner']).toMatchObject({
      value: null,
      reason: 'DISABLED',
    });
    expect(premium.body.on).toEqual(expect.arrayContaining(['new-checkout', 'beta-dashboard']));
    const free = await request(app.getHttpServer())
      .get('/')
      .set({ 'x-user-id': 'bob', 'x-plan': 'free' })
      .expect(200);
    expect(free.body.flags['beta-dashboard'].value).toBe(false);
  });

  it("answers GET /checkout with the caller's variant, the same every time", async () => {
    const internal = await request(app.getHttpServer())
      .get('/checkout')
      .set({ 'x-user-id': 'x', 'x-plan': 'internal' })
      .expect(200);
    expect(internal.body).toMatchObject({
      flow: 'one-page',
      variant: 'one-page',
      reason: 'TARGETING_MATCH',
    });
    const flows = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const first = await request(app.getHttpServer())
        .get('/checkout')
        .set({ 'x-user-id': `user-${i}` });
      const again = await request(app.getHttpServer())
        .get('/checkout')
        .set({ 'x-user-id': `user-${i}` });
      expect(again.body.flow).toBe(first.body.flow);
      flows.add(first.body.flow);
    }
    expect([...flows].sort()).toEqual(['classic', 'express', 'one-page']);
  });

  it('serves GET /beta only to the callers beta-dashboard is on for', async () => {
    await request(app.getHttpServer())
      .get('/beta')
      .set({ 'x-user-id': 'ada', 'x-plan': 'premium' })
      .expect(200, { dashboard: 'beta', uploadLimitMb: 100 });
    const free = await request(app.getHttpServer())
      .get('/beta')
      .set({ 'x-user-id': 'bob', 'x-plan': 'free' })
      .expect(404);
    expect(free.body.message).toBe('Cannot GET /beta');
  });

  it('answers GET /health with the revision served and the store reachable', async () => {
    const health = await request(app.getHttpServer()).get('/health').expect(200);
    expect(health.body).toMatchObject({
      status: 'ok',
      details: { flags: { status: 'up', revision: 1, source: 'store', storeReachable: true } },
    });
  });

  it('takes a delivery signed with the development key and serves it at once', async () => {
    await deliverWithDevKey(app.getHttpServer(), {
      'beta-dashboard': {
        state: 'DISABLED',
        variants: { on: true, off: false },
        defaultVariant: 'on',
      },
    }).expect(200, { status: 'applied', revision: 2, changed: ['beta-dashboard'] });
    const after = await request(app.getHttpServer())
      .get('/')
      .set({ 'x-plan': 'premium' })
      .expect(200);
    expect(after.body.revision).toBe(2);
    expect(after.body.flags['beta-dashboard']).toMatchObject({ value: null, reason: 'DISABLED' });
  });
});

describe('example app start', () => {
  it('logs no error or warning while its database connects in the background', async () => {
    const logger = new RecordingLogger();
    const started = await startExampleAppOnSqlite(PLATFORMS[0], logger);
    try {
      const health = await request(started.app.getHttpServer()).get('/health').expect(200);
      expect(health.body.details.flags).toMatchObject({ source: 'store', storeReachable: true });
      expect(logger.messages('error')).toEqual([]);
      expect(logger.messages('warn')).toEqual([]);
    } finally {
      await started.close();
    }
  });
});
