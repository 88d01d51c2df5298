import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import request from 'supertest';
import {
  FlagService,
  FlagsModule,
  type FlagStore,
  type FlagsModuleOptions,
  InMemoryFlagStore,
} from '../../lib';
import { UsageRecorder } from '../../lib/usage/usage-recorder';
import { ControllableStore } from '../module/controllable.store';
import { STORE_FLAGS } from '../module/flags-fixtures';
import { sqliteTypeOrm } from '../support/sqlite-typeorm';
import { AUDIENCE, PUBLIC_PEM, token } from '../webhook/signed-app';

const webhook = { audience: AUDIENCE, keys: [{ kid: 'cp', publicKey: PUBLIC_PEM }] };
// Flushes run when a test asks (or at shutdown), never on their own during a test.
const NO_TIMER = { usage: { flushMs: 3_600_000 } };

interface UsageBody {
  since: string;
  days: number;
  flags: Array<{
    key: string;
    inStore: boolean;
    updatedAt: string | null;
    lastEvaluatedAt: string | null;
    counts: Record<string, number>;
    daily: Array<{ day: string; counts: Record<string, number> }>;
    unflushed: Record<string, number>;
  }>;
}

async function getUsage(app: INestApplication, query = ''): Promise<UsageBody> {
  const response = await request(app.getHttpServer())
    .get(`/_flags/usage${query}`)
    .set('authorization', `Bearer ${token('')}`)
    .expect(200);
  return response.body as UsageBody;
}

const flagOf = (body: UsageBody, key: string) => body.flags.find((flag) => flag.key === key);

describe('usage counting (SQLite)', () => {
  let dir: string;
  const apps: INestApplication[] = [];

  async function start(options: FlagsModuleOptions = {}): Promise<INestApplication> {
    const moduleRef = await Test.createTestingModule({
      imports: [
        TypeOrmModule.forRoot(sqliteTypeOrm(dir, { migrationsRun: true })),
        FlagsModule.forRoot({ seed: STORE_FLAGS, webhook, ...NO_TIMER, ...options }),
      ],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    apps.push(app);
    return app;
  }

  async function stop(app: INestApplication): Promise<void> {
    apps.splice(apps.indexOf(app), 1);
    await app.close();
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'flags-usage-'));
  });

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('adds up the counts of instances and survives their restarts', async () => {
    const first = await start();
    const second = await start();
    const evaluate = (app: INestApplication, plan: string, times: number) => {
      for (let i = 0; i < times; i++) app.get(FlagService).isEnabled('new-checkout', { plan });
    };
    evaluate(first, 'premium', 5);
    evaluate(first, 'free', 2);
    evaluate(second, 'premium', 3);
    second.get(FlagService).getString('theme', 'light');
    second.get(FlagService).isEnabled('new-chekout');

    const before = await getUsage(first);
    expect(flagOf(before, 'new-checkout')).toMatchObject({
      inStore: true,
      counts: {},
      lastEvaluatedAt: null,
      unflushed: { on: 5, off: 2 },
    });

    // Shutting down flushes what each instance counted.
    await stop(first);
    await stop(second);
    const third = await start();
    evaluate(third, 'premium', 1);
    await third.get(UsageRecorder).flush();

    const after = await getUsage(third);
    const checkout = flagOf(after, 'new-checkout');
    expect(checkout?.counts).toEqual({ on: 9, off: 2 });
    expect(checkout?.daily).toEqual([
      { day: new Date().toISOString().slice(0, 10), counts: { on: 9, off: 2 } },
    ]);
    expect(checkout?.unflushed).toEqual({});
    expect(Date.now() - Date.parse(checkout?.lastEvaluatedAt ?? '')).toBeLessThan(60_000);
    expect(flagOf(after, 'theme')?.counts).toEqual({ dark: 1 });
    // A key evaluated in code but absent from the store is reported, with no variant served.
    expect(flagOf(after, 'new-chekout')).toMatchObject({
      inStore: false,
      updatedAt: null,
      counts: { '': 1 },
    });
  });

  it('reports stored flags never evaluated, with when their definition last changed', async () => {
    const app = await start();
    const body = await getUsage(app, '?days=7');
    expect(body.days).toBe(7);
    expect(body.flags.map((flag) => flag.key)).toEqual(['new-checkout', 'theme']);
    for (const flag of body.flags) {
      expect(flag).toMatchObject({ inStore: true, lastEvaluatedAt: null, counts: {} });
      expect(Date.now() - Date.parse(flag.updatedAt ?? '')).toBeLessThan(60_000);
    }
  });

  it('refuses a window it cannot answer, with a machine-readable reason', async () => {
    const app = await start();
    for (const days of ['0', '401', '1.5', 'week']) {
      const response = await request(app.getHttpServer())
        .get(`/_flags/usage?days=${days}`)
        .set('authorization', `Bearer ${token('')}`)
        .expect(400);
      expect(response.body.error).toBe('invalid_request');
    }
    await request(app.getHttpServer()).get('/_flags/usage').expect(401);
  });

  it('counts nothing with usage off', async () => {
    const app = await start({ usage: false });
    app.get(FlagService).isEnabled('new-checkout', { plan: 'premium' });
    // Metrics still count it in memory, but nothing is waiting to be stored.
    expect(flagOf(await getUsage(app), 'new-checkout')?.unflushed).toEqual({});
    await stop(app);
    const next = await start();
    expect(flagOf(await getUsage(next), 'new-checkout')?.counts).toEqual({});
  });
});

describe('usage counting while the store is down', () => {
  it('keeps the counts in memory and stores them once the store answers', async () => {
    const store = new ControllableStore();
    const moduleRef = await Test.createTestingModule({
      imports: [FlagsModule.forRoot({ store: store as FlagStore, seed: STORE_FLAGS, ...NO_TIMER })],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    try {
      const flags = app.get(FlagService);
      flags.isEnabled('new-checkout', { plan: 'premium' });
      store.mode = 'down';
      await app.get(UsageRecorder).flush();
      flags.isEnabled('new-checkout', { plan: 'premium' });
      await app.get(UsageRecorder).flush();
      expect(await store.inner.usage('2000-01-01')).toEqual([]);

      store.mode = 'up';
      flags.isEnabled('new-checkout', { plan: 'free' });
      await app.get(UsageRecorder).flush();
      const stored = await store.inner.usage('2000-01-01');
      expect(Object.fromEntries(stored.map((row) => [row.variant, row.count]))).toEqual({
        on: 2,
        off: 1,
      });
    } finally {
      await app.close();
    }
  });

  it('counts once what was stored when deleting old days failed after it', async () => {
    class PurgeFailingStore extends InMemoryFlagStore {
      purges = 0;
      override async forgetUsage(beforeDay: string): Promise<void> {
        if (++this.purges === 1) throw new Error('connection reset');
        return super.forgetUsage(beforeDay);
      }
    }
    const store = new PurgeFailingStore();
    const moduleRef = await Test.createTestingModule({
      imports: [FlagsModule.forRoot({ store, seed: STORE_FLAGS, ...NO_TIMER })],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    try {
      app.get(FlagService).isEnabled('new-checkout', { plan: 'premium' });
      await app.get(UsageRecorder).flush();
      await app.get(UsageRecorder).flush();
      expect(store.purges).toBe(2);
      const stored = await store.usage('2000-01-01');
      expect(stored.map((row) => [row.variant, row.count])).toEqual([['on', 1]]);
    } finally {
      await app.close();
    }
  });
});
