import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  DeliveryLedger,
  type FlagSetChange,
  FlagService,
  FlagsConfigurationError,
  FlagsModule,
  type FlagsModuleOptions,
  FlagStore,
  InMemoryFlagStore,
  UsageStore,
} from '../../lib';
import { ControllableStore } from './controllable.store';
import { BOOTSTRAP_FLAGS, STORE_FLAGS } from './flags-fixtures';

async function start(options: FlagsModuleOptions) {
  const moduleRef = await Test.createTestingModule({
    imports: [FlagsModule.forRoot(options)],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return { app, flags: app.get(FlagService), store: app.get(FlagStore) };
}

async function seededStore(): Promise<ControllableStore> {
  const store = new ControllableStore();
  await store.inner.apply({
    baseRevision: 0,
    revision: 7,
    checksum: 'c7',
    upsertFlags: Object.entries(STORE_FLAGS.flags).map(([key, value]) => ({
      key,
      definition: JSON.stringify(value),
    })),
    deleteFlags: [],
    upsertEvaluators: [],
    deleteEvaluators: [],
    at: new Date(),
  });
  return store;
}

describe('FlagsModule', () => {
  it('serves the store flags from memory once the application has started', async () => {
    const store = await seededStore();
    const { app, flags } = await start({ store });
    await expect(flags.ready).resolves.toBeUndefined();
    expect(flags.revision).toBe(7);
    expect(flags.isEnabled('new-checkout', { plan: 'premium' })).toBe(true);
    expect(flags.isEnabled('new-checkout', { plan: 'free' })).toBe(false);
    expect(flags.getString('theme', 'x')).toBe('dark');
    expect(flags.evaluate('new-checkout', { plan: 'premium' })).toMatchObject({
      variant: 'on',
      reason: 'TARGETING_MATCH',
    });
    expect(Object.keys(flags.evaluateAll())).toEqual(['new-checkout', 'theme']);
    expect(flags.status()).toMatchObject({ source: 'store', revision: 7, storeReachable: true });
    const loadsBefore = store.loads;
    for (let i = 0; i < 1000; i++) flags.isEnabled('new-checkout', { plan: 'premium' });
    expect(store.loads).toBe(loadsBefore);
    await app.close();
  });

  it('serves the bootstrap flags when the store is down, then the store flags once it answers', async () => {
    const store = await seededStore();
    store.mode = 'down';
    const { app, flags } = await start({
      store,
      bootstrap: BOOTSTRAP_FLAGS,
      sync: { loadTimeoutMs: 100, retryIntervalMs: 20 },
    });
    expect(flags.status()).toMatchObject({
      source: 'bootstrap',
      storeReachable: false,
      lastError: expect.stringContaining('ECONNREFUSED'),
    });
    expect(flags.getString('theme', 'x')).toBe('light');
    store.mode = 'up';
    await flags.ready;
    expect(flags.status()).toMatchObject({ source: 'store', revision: 7, storeReachable: true });
    expect(flags.getString('theme', 'x')).toBe('dark');
    await app.close();
  });

  it('does not wait longer than loadTimeoutMs for a store that hangs', async () => {
    const store = await seededStore();
    store.mode = 'hang';
    const started = Date.now();
    const { app, flags } = await start({
      store,
      bootstrap: BOOTSTRAP_FLAGS,
      sync: { loadTimeoutMs: 200 },
    });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(flags.status().source).toBe('bootstrap');
    expect(flags.isEnabled('new-checkout')).toBe(true);
    await app.close();
  });

  it('serves code defaults without a bootstrap file while the store is down', async () => {
    const store = await seededStore();
    store.mode = 'down';
    const { app, flags } = await start({
      store,
      sync: { loadTimeoutMs: 50, retryIntervalMs: 10_000 },
    });
    expect(flags.status().source).toBe('none');
    expect(flags.getString('theme', 'fallback')).toBe('fallback');
    expect(flags.evaluate('theme')).toMatchObject({ value: null, errorCode: 'FLAG_NOT_FOUND' });
    await app.close();
  });

  it('seeds an empty store once, as revision 1', async () => {
    const store = new InMemoryFlagStore();
    const first = await start({ store, seed: STORE_FLAGS });
    expect(first.flags.revision).toBe(1);
    expect(first.flags.getString('theme', 'x')).toBe('dark');
    await first.app.close();
    const second = await start({ store, seed: BOOTSTRAP_FLAGS });
    expect(second.flags.revision).toBe(1);
    expect(second.flags.getString('theme', 'x')).toBe('dark');
    await second.app.close();
  });

  it('keeps two applications in one process independent', async () => {
    const a = await start({ store: new InMemoryFlagStore(), seed: STORE_FLAGS });
    const b = await start({ store: new InMemoryFlagStore(), seed: BOOTSTRAP_FLAGS });
    expect(a.flags.getString('theme', 'x')).toBe('dark');
    expect(b.flags.getString('theme', 'x')).toBe('light');
    await a.app.close();
    await b.app.close();
  });

  it('takes its options from an async factory', async () => {
    @Injectable()
    class Config {
      readonly flags = BOOTSTRAP_FLAGS;
    }
    @Module({ providers: [Config], exports: [Config] })
    class ConfigModule {}
    const moduleRef = await Test.createTestingModule({
      imports: [
        FlagsModule.forRootAsync({
          imports: [ConfigModule],
          inject: [Config],
          useFactory: (config: Config) => ({ store: new InMemoryFlagStore(), seed: config.flags }),
        }),
      ],
    }).compile();
    const app = await moduleRef.createNestApplication({ logger: false }).init();
    expect(app.get(FlagService).getString('theme', 'x')).toBe('light');
    await app.close();
  });

  it.each([
    [{ sync: { loadTimeoutMs: 0 } }, /sync\.loadTimeoutMs must be a whole number/],
    [
      { sync: { changeLogRetentionDays: 1 } },
      /: sync\.changeLogRetentionDays must be a whole number of days from 2, got 1\.$/,
    ],
    // The flat options of 0.1 say where they went.
    [{ pollIntervalMs: 100 } as never, /pollIntervalMs is now sync\.pollIntervalMs/],
    [{ requestContext: () => ({}) } as never, /requestContext is now context\.fromRequest/],
    [{ usageFlushMs: 100 } as never, /usageFlushMs is now usage\.flushMs/],
    [
      { sync: { pollInterval: 100 } } as never,
      /unknown option sync\.pollInterval; the options are/,
    ],
    [{ flags: {} } as never, /unknown option flags; the options are store, bootstrap, seed/],
    [{ usage: 'yes' } as never, /usage is an object of options/],
    [{ sync: { redis: {} } }, /sync\.redis takes either a url or an ioredis client/],
    [{ sync: { redis: { url: 'http://cache:6379' } } }, /redis:\/\/ or rediss:\/\/ URL/],
    [{ sync: { redis: { client: {} as never } } }, /sync\.redis\.client must be an ioredis client/],
    [
      { sync: { redis: { url: 'redis://127.0.0.1:6379', channel: 'two words' } } },
      /sync\.redis\.channel must be 1 to 200 printable ASCII characters/,
    ],
    [
      { sync: { pollIntervalMs: 1000, safetyPollIntervalMs: 500 } },
      /sync\.safetyPollIntervalMs must be a whole number of milliseconds from 1000, got 500/,
    ],
    [{ events: { sampleRate: 2 } }, /events\.sampleRate is a share from 0 to 1/],
    [{ context: { headers: { 'x-plan': 1 } } } as never, /context\.headers maps header names/],
    [
      { sync: { changeLogRetentionDays: 30.5 } },
      /changeLogRetentionDays must be a whole number of days/,
    ],
    [{ bootstrap: { nope: 1 } as never }, /bootstrap must be a file path or a flag set document/],
    [{ bootstrap: '/no/such/flags.json' }, /cannot read the bootstrap file .* fix the path/],
    [
      { seed: { flags: { f: { state: 'ON', variants: { a: 1 } } } } },
      /seed flags are invalid:\n.*\/flags\/f\/state/,
    ],
  ])('refuses wrong options at startup: %p', async (options, message) => {
    const moduleRef = Test.createTestingModule({
      imports: [FlagsModule.forRoot({ store: new InMemoryFlagStore(), ...options })],
    });
    const failure = moduleRef
      .compile()
      .then((compiled) => compiled.createNestApplication({ logger: false }).init());
    await expect(failure).rejects.toThrow(FlagsConfigurationError);
    await expect(failure).rejects.toThrow(message);
  });

  describe('with a store that is only a FlagStore', () => {
    /** A store keeping flags only: no delivery ids, no usage. */
    class FlagsOnly extends FlagStore {
      private readonly inner = new InMemoryFlagStore();
      state = () => this.inner.state();
      load = () => this.inner.load();
      apply = (change: FlagSetChange) => this.inner.apply(change);
      changes = (afterId: number, limit: number) => this.inner.changes(afterId, limit);
      changesSince = (revision: number, limit: number) => this.inner.changesSince(revision, limit);
      forgetChanges = (before: Date) => this.inner.forgetChanges(before);
    }
    const start = async (options: FlagsModuleOptions) => {
      const moduleRef = await Test.createTestingModule({
        imports: [FlagsModule.forRoot({ store: new FlagsOnly(), metrics: false, ...options })],
      }).compile();
      return moduleRef.createNestApplication({ logger: false }).init();
    };
    const webhook = {
      audience: 'shop',
      keys: [{ secret: 'a-shared-secret-of-at-least-32-bytes!' }],
    };

    it('serves flags without a ledger or a usage store when neither feature is on', async () => {
      const app = await start({ usage: false, seed: BOOTSTRAP_FLAGS });
      expect(app.get(FlagService).getString('theme', 'x')).toBe('light');
      await app.close();
    });

    it('asks for what the features it enables need, saying where to give it', async () => {
      await expect(start({})).rejects.toThrow(/no UsageStore.*usage\.store, or set usage: false/);
      await expect(start({ usage: false, webhook })).rejects.toThrow(
        /no DeliveryLedger.*webhook\.ledger/,
      );
      // Nothing names its instances' shared Redis channel: the application must.
      await expect(
        start({ usage: false, sync: { redis: { url: 'redis://127.0.0.1:6379' } } }),
      ).rejects.toThrow(/sync\.redis\.channel is needed with this store/);
    });

    it('takes a ledger and a usage store of their own', async () => {
      const other = new InMemoryFlagStore();
      const app = await start({ usage: { store: other }, webhook: { ...webhook, ledger: other } });
      const expiresAt = new Date(Date.now() + 60_000);
      await app.get(DeliveryLedger).rememberDelivery({ id: 'read-1', expiresAt });
      await expect(other.rememberDelivery({ id: 'read-1', expiresAt })).resolves.toBe(false);
      expect(app.get(UsageStore)).toBeInstanceOf(InMemoryFlagStore);
      await app
        .get(UsageStore)
        .recordUsage([
          { flagKey: 'f', variant: 'on', day: '2026-12-01', count: 2, lastEvaluatedAt: new Date() },
        ]);
      await expect(other.usage('2026-12-01')).resolves.toHaveLength(1);
      await app.close();
    });
  });
});
