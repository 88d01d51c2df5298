import type { INestApplication, LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import * as promClient from 'prom-client';
import { Registry, register as defaultRegistry } from 'prom-client';
import { ControllableStore } from '../../test/module/controllable.store';
import { sleep, until } from '../../test/support/until';
import { writeFlagSet } from '../../test/support/write-flag-set';
import { AUDIENCE, PUBLIC_PEM, postDelivery, token } from '../../test/webhook/signed-app';
import { FlagService } from '../core/flag.service';
import type { FlagsModuleOptions } from '../flags-module-options';
import { FlagsModule } from '../flags.module';
import { InMemoryFlagStore } from '../store/in-memory-flag.store';
import { FlagsTestingModule } from '../testing/flags-testing.module';
import { UsageCounter } from '../core/usage-counter';
import { FlagsMetrics } from './flags-metrics';
import { PROM_CLIENT_LOADER, type PromClientLoader } from './load-prom-client';
import type { PromClient } from './prom-client.types';

// prom-client's own types fit the ones the library writes out (a compile-time check).
const realPromClient: PromClient = promClient;

const FLAGS = {
  flags: {
    beta: { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'on' },
    theme: { state: 'ENABLED', variants: { dark: 'dark', light: 'light' }, defaultVariant: 'dark' },
  },
};
const WEBHOOK = { audience: AUDIENCE, keys: [{ kid: 'cp', publicKey: PUBLIC_PEM }] };

class RecordingLogger implements LoggerService {
  readonly lines: string[] = [];
  log() {}
  warn(message: unknown) {
    this.lines.push(`warn ${String(message)}`);
  }
  error(message: unknown) {
    this.lines.push(`error ${String(message)}`);
  }
  debug(message: unknown) {
    this.lines.push(`debug ${String(message)}`);
  }
  verbose() {}
}

/** A metric's values by label values joined with '/' ('' for a metric without labels). */
async function values(registry: Registry, name: string): Promise<Record<string, number>> {
  const metric = (await registry.getMetricsAsJSON()).find((found) => found.name === name);
  if (metric === undefined) throw new Error(`${name} is not registered`);
  return Object.fromEntries(
    metric.values.map(({ labels, value }) => [Object.values(labels).join('/'), value]),
  );
}

async function value(registry: Registry, name: string): Promise<number> {
  return (await values(registry, name))[''];
}

describe('FlagsMetrics', () => {
  let registry: Registry;
  const apps: INestApplication[] = [];

  beforeEach(() => {
    registry = new Registry();
  });

  afterEach(async () => {
    for (const app of apps.splice(0).reverse()) await app.close();
  });

  async function start(
    options: FlagsModuleOptions,
    { loader, logger = false }: { loader?: PromClientLoader; logger?: LoggerService | false } = {},
  ): Promise<INestApplication> {
    let builder = Test.createTestingModule({
      imports: [
        FlagsModule.forRoot({
          sync: { loadTimeoutMs: 200 },
          metrics: { registry },
          ...options,
        }),
      ],
    });
    if (loader !== undefined)
      builder = builder.overrideProvider(PROM_CLIENT_LOADER).useValue(loader);
    const app = (await builder.compile()).createNestApplication({ logger });
    await app.init();
    apps.push(app);
    return app;
  }

  it('reports evaluations by flag and variant from the usage counts, at every scrape', async () => {
    const app = await start({ store: new InMemoryFlagStore(), seed: FLAGS });
    const flags = app.get(FlagService);
    for (let i = 0; i < 3; i++) flags.isEnabled('beta');
    flags.getString('theme', 'light');
    flags.evaluate('missing');
    flags.isEnabled('missing');

    const reported = await values(registry, 'feature_flag_evaluations_total');
    expect(reported).toEqual({ 'beta/on': 3, 'theme/dark': 1, 'missing/': 2 });
    const totals: Record<string, number> = {};
    app.get(UsageCounter).forEachTotal((flag, variant, total) => {
      totals[`${flag}/${variant}`] = total;
    });
    expect(reported).toEqual(totals);
    expect(await registry.metrics()).toContain(
      'feature_flag_evaluations_total{flag="missing",variant=""} 2',
    );

    flags.isEnabled('beta');
    expect((await values(registry, 'feature_flag_evaluations_total'))['beta/on']).toBe(4);
  });

  it('counts deliveries by outcome, with the error code of each refusal or failure', async () => {
    const store = new ControllableStore();
    const app = await start({ store, webhook: WEBHOOK });
    const snapshot = (revision: number) => JSON.stringify({ kind: 'snapshot', revision, ...FLAGS });
    const once = token(snapshot(1));
    await postDelivery(app, snapshot(1), once).expect(200);
    await postDelivery(app, snapshot(1)).expect(200, { status: 'unchanged', revision: 1 });
    await postDelivery(app, snapshot(1), once).expect(401);
    await postDelivery(app, JSON.stringify({ kind: 'snapshot', revision: 2 })).expect(400);
    store.mode = 'down';
    await postDelivery(app, snapshot(2)).expect(503);
    await postDelivery(app, snapshot(2)).expect(503);

    expect(await values(registry, 'feature_flag_deliveries_total')).toEqual({
      'applied/': 1,
      'unchanged/': 1,
      'refused/invalid_token': 1,
      'refused/invalid_delivery': 1,
      'failed/store_unavailable': 2,
    });
  });

  it('reports the revision served, its age, the store reachable, and failed refreshes', async () => {
    const store = new ControllableStore();
    await writeFlagSet(store.inner, FLAGS);
    await start({ store, sync: { pollIntervalMs: 10, retryIntervalMs: 10 } });

    expect(await value(registry, 'feature_flag_served_revision')).toBe(1);
    expect(await value(registry, 'feature_flag_store_reachable')).toBe(1);
    expect(await values(registry, 'feature_flag_served_source')).toEqual({
      store: 1,
      bootstrap: 0,
      none: 0,
    });
    expect(await value(registry, 'feature_flag_served_age_seconds')).toBeLessThan(1);
    expect(await value(registry, 'feature_flag_reload_errors_total')).toBe(0);

    store.mode = 'down';
    await until(async () => (await value(registry, 'feature_flag_reload_errors_total')) >= 3);
    await sleep(50);
    expect(await value(registry, 'feature_flag_store_reachable')).toBe(0);
    expect(await value(registry, 'feature_flag_served_age_seconds')).toBeGreaterThanOrEqual(0.05);
    expect(await value(registry, 'feature_flag_served_revision')).toBe(1);

    store.mode = 'up';
    await writeFlagSet(store.inner, { flags: { beta: FLAGS.flags.beta } });
    await until(async () => (await value(registry, 'feature_flag_served_revision')) === 2);
    const errors = await value(registry, 'feature_flag_reload_errors_total');
    await sleep(50);
    expect(await value(registry, 'feature_flag_reload_errors_total')).toBe(errors);
    expect(await value(registry, 'feature_flag_store_reachable')).toBe(1);
  });

  it('reports bootstrap flags as the source until the store answers', async () => {
    const store = new ControllableStore();
    store.mode = 'down';
    await start({
      store,
      bootstrap: FLAGS,
      sync: { loadTimeoutMs: 50, retryIntervalMs: 10 },
    });
    expect(await values(registry, 'feature_flag_served_source')).toEqual({
      store: 0,
      bootstrap: 1,
      none: 0,
    });
    expect(await value(registry, 'feature_flag_served_revision')).toBe(0);
    await until(async () => (await value(registry, 'feature_flag_reload_errors_total')) >= 2);
  });

  it('counts interruptions of the change notifications the store reports', async () => {
    class FlakyNotifications extends InMemoryFlagStore {
      override watch(onChange: () => void, onError?: (error: Error) => void) {
        onError?.(new Error('the LISTEN connection ended'));
        onError?.(new Error('connect ECONNREFUSED'));
        return super.watch(onChange, onError);
      }
    }
    await start({ store: new FlakyNotifications() });
    expect(await value(registry, 'feature_flag_notify_errors_total')).toBe(2);
  });

  it('removes its metrics when the application closes, so the next one can register', async () => {
    const first = await start({ store: new InMemoryFlagStore() });
    expect((await registry.getMetricsAsJSON()).map(({ name }) => name).sort()).toEqual([
      'feature_flag_deliveries_total',
      'feature_flag_evaluations_total',
      'feature_flag_notifications',
      'feature_flag_notify_errors_total',
      'feature_flag_reload_errors_total',
      'feature_flag_served_age_seconds',
      'feature_flag_served_revision',
      'feature_flag_served_source',
      'feature_flag_store_reachable',
    ]);
    await first.close();
    apps.splice(apps.indexOf(first), 1);
    expect(await registry.getMetricsAsJSON()).toEqual([]);

    const second = await start({ store: new InMemoryFlagStore(), seed: FLAGS });
    second.get(FlagService).isEnabled('beta');
    expect(await values(registry, 'feature_flag_evaluations_total')).toEqual({ 'beta/on': 1 });
  });

  it('leaves a registry to the first module alive on it; the second says so and registers none', async () => {
    const first = await start({ store: new InMemoryFlagStore(), seed: FLAGS });
    const logger = new RecordingLogger();
    const second = await start({ store: new InMemoryFlagStore(), seed: FLAGS }, { logger });
    expect(second.get(FlagsMetrics).active).toBe(false);
    expect(logger.lines.filter((line) => line.startsWith('warn'))).toEqual([
      expect.stringMatching(/already registered.*metrics: \{ registry: new Registry\(\) \}/),
    ]);
    first.get(FlagService).isEnabled('beta');
    second.get(FlagService).isEnabled('beta');
    expect(await values(registry, 'feature_flag_evaluations_total')).toEqual({ 'beta/on': 1 });

    // Closing the second leaves the first's metrics in place.
    await second.close();
    apps.splice(apps.indexOf(second), 1);
    expect(await values(registry, 'feature_flag_evaluations_total')).toEqual({ 'beta/on': 1 });
  });

  it("uses prom-client's default registry unless given one", async () => {
    await start({ store: new InMemoryFlagStore(), metrics: true });
    expect(defaultRegistry.getSingleMetric('feature_flag_served_revision')).toBeDefined();
    expect(await registry.getMetricsAsJSON()).toEqual([]);
    await apps.pop()?.close();
    expect(defaultRegistry.getSingleMetric('feature_flag_served_revision')).toBeUndefined();
  });

  describe('where prom-client is not installed', () => {
    const notInstalled: PromClientLoader = () => undefined;

    it('starts without metrics, saying so at debug level only', async () => {
      const logger = new RecordingLogger();
      const app = await start(
        { store: new InMemoryFlagStore(), seed: FLAGS, metrics: true },
        { loader: notInstalled, logger },
      );
      expect(app.get(FlagService).isEnabled('beta')).toBe(true);
      expect(app.get(FlagsMetrics).active).toBe(false);
      expect(logger.lines).toEqual([
        expect.stringMatching(/^debug prom-client is not installed.*npm install prom-client/),
      ]);
    });

    it('warns when a registry was given, as metrics were clearly wanted', async () => {
      const logger = new RecordingLogger();
      await start({ store: new InMemoryFlagStore() }, { loader: notInstalled, logger });
      expect(logger.lines).toEqual([expect.stringMatching(/^warn prom-client is not installed/)]);
      expect(await registry.getMetricsAsJSON()).toEqual([]);
    });

    it('warns when prom-client is there but cannot be loaded', async () => {
      const logger = new RecordingLogger();
      const broken: PromClientLoader = () => {
        throw new Error("Cannot find module 'tdigest'");
      };
      const app = await start({ store: new InMemoryFlagStore() }, { loader: broken, logger });
      expect(app.get(FlagsMetrics).active).toBe(false);
      expect(logger.lines).toEqual([
        expect.stringMatching(/^warn prom-client is installed but could not be loaded.*tdigest/),
      ]);
    });
  });

  it('never loads prom-client with metrics: false', async () => {
    const loader = jest.fn(() => realPromClient);
    const app = await start({ store: new InMemoryFlagStore(), metrics: false }, { loader });
    expect(loader).not.toHaveBeenCalled();
    expect(app.get(FlagsMetrics).active).toBe(false);
  });

  it('refuses a registry that is not one, with the fix', async () => {
    await expect(
      start({ store: new InMemoryFlagStore(), metrics: { registry: { metrics: () => '' } } }),
    ).rejects.toThrow(/metrics.registry must be a prom-client Registry \(new Registry\(\)/);
  });

  it('FlagsTestingModule registers no metrics', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [FlagsTestingModule.forRoot({ flags: { beta: true } })],
    }).compile();
    const app = await moduleRef.createNestApplication({ logger: false }).init();
    expect(app.get(FlagService).isEnabled('beta')).toBe(true);
    expect(defaultRegistry.getSingleMetric('feature_flag_evaluations_total')).toBeUndefined();
    await app.close();
  });
});
