import type { INestApplication, LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  FlagService,
  FlagsHealthIndicator,
  FlagsModule,
  type FlagsModuleOptions,
  type FlagSetDocument,
  InMemoryFlagStore,
} from '../../lib';
import { ControllableStore } from './controllable.store';
import { STORE_FLAGS } from './flags-fixtures';
import { sleep, until } from '../support/until';
import { writeFlagSet } from '../support/write-flag-set';

class RecordingLogger implements LoggerService {
  readonly lines: string[] = [];
  log(message: unknown): void {
    this.lines.push(`log ${String(message)}`);
  }
  warn(message: unknown): void {
    this.lines.push(`warn ${String(message)}`);
  }
  error(message: unknown): void {
    this.lines.push(`error ${String(message)}`);
  }
  debug(): void {}
  verbose(): void {}
}

const theme = (defaultVariant: 'dark' | 'light') => ({
  state: 'ENABLED',
  variants: { dark: 'dark', light: 'light' },
  defaultVariant,
});

describe('every instance follows the store', () => {
  const apps: INestApplication[] = [];

  async function instance(options: FlagsModuleOptions, logger: LoggerService | false = false) {
    const moduleRef = await Test.createTestingModule({
      imports: [FlagsModule.forRoot(options)],
    }).compile();
    const app = await moduleRef.createNestApplication({ logger }).init();
    apps.push(app);
    return app.get(FlagService);
  }

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  it('serves a change written by another instance within the poll interval, from the change log', async () => {
    const store = new ControllableStore();
    await writeFlagSet(store.inner, STORE_FLAGS);
    const flags = await instance({ store, pollIntervalMs: 20 });
    expect(flags.getString('theme', 'x')).toBe('dark');
    const loads = store.loads;

    await writeFlagSet(store.inner, { flags: { ...STORE_FLAGS.flags, theme: theme('light') } });
    await until(() => flags.getString('theme', 'x') === 'light', 500);
    expect(flags.revision).toBe(2);
    expect(flags.status().checksum).toBe((await store.inner.state()).checksum);
    // Only the changed flag was read: no full load.
    expect(store.loads).toBe(loads);

    await writeFlagSet(store.inner, { flags: { theme: theme('dark') } });
    await until(() => flags.revision === 3, 500);
    expect(flags.evaluate('new-checkout').errorCode).toBe('FLAG_NOT_FOUND');
  });

  it('reloads everything when a shared evaluator changes', async () => {
    const store = new ControllableStore();
    const gated = (domain: string): FlagSetDocument => ({
      flags: {
        beta: {
          state: 'ENABLED',
          variants: { on: true, off: false },
          defaultVariant: 'off',
          targeting: { if: [{ $ref: 'staff' }, 'on', 'off'] },
        },
      },
      $evaluators: { staff: { ends_with: [{ var: 'email' }, domain] } },
    });
    await writeFlagSet(store.inner, gated('@a.com'));
    const flags = await instance({ store, pollIntervalMs: 20 });
    expect(flags.isEnabled('beta', { email: 'x@a.com' })).toBe(true);
    const loads = store.loads;

    await writeFlagSet(store.inner, gated('@b.com'));
    await until(() => flags.revision === 2, 500);
    expect(flags.isEnabled('beta', { email: 'x@a.com' })).toBe(false);
    expect(flags.isEnabled('beta', { email: 'x@b.com' })).toBe(true);
    expect(store.loads).toBe(loads + 1);
  });

  it('keeps serving through an outage, says so once, and catches up by itself', async () => {
    const store = new ControllableStore();
    await writeFlagSet(store.inner, STORE_FLAGS);
    const logger = new RecordingLogger();
    const flags = await instance(
      { store, pollIntervalMs: 10, retryIntervalMs: 10, loadTimeoutMs: 100 },
      logger,
    );
    await until(() => flags.status().lastCheckedAt !== null);

    store.mode = 'down';
    await until(() => flags.status().storeReachable === false);
    const checkedAt = flags.status().lastCheckedAt;
    await writeFlagSet(store.inner, { flags: { ...STORE_FLAGS.flags, theme: theme('light') } });
    await sleep(100);
    expect(flags.status()).toMatchObject({
      source: 'store',
      revision: 1,
      degraded: true,
      storeReachable: false,
      lastCheckedAt: checkedAt,
    });
    for (let i = 0; i < 1000; i++) {
      expect(flags.getString('theme', 'x')).toBe('dark');
    }
    const { flags: health } = apps[0].get(FlagsHealthIndicator).check();
    expect(health).toMatchObject({ status: 'degraded', revision: 1, storeReachable: false });
    expect(health.ageMs).toBeGreaterThanOrEqual(100);
    expect(health.lastError).toMatch(/ECONNREFUSED/);

    store.mode = 'hang';
    await sleep(150);
    store.mode = 'up';
    await until(() => flags.getString('theme', 'x') === 'light');
    expect(flags.status()).toMatchObject({ revision: 2, degraded: false, storeReachable: true });
    expect(apps[0].get(FlagsHealthIndicator).check('feature-flags')['feature-flags']).toMatchObject(
      { status: 'up', revision: 2 },
    );
    const errors = logger.lines.filter((line) => line.startsWith('error'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/ECONNREFUSED.*Serving revision 1 from memory/);
    expect(logger.lines.filter((line) => /answers again/.test(line))).toHaveLength(1);
  });

  it('never goes back to an older revision', async () => {
    const store = new ControllableStore();
    await writeFlagSet(store.inner, STORE_FLAGS);
    await writeFlagSet(store.inner, { flags: { ...STORE_FLAGS.flags, theme: theme('light') } });
    const logger = new RecordingLogger();
    const flags = await instance({ store, pollIntervalMs: 10 }, logger);
    expect(flags.revision).toBe(2);

    // A store restored from an older backup.
    const restored = new InMemoryFlagStore();
    await writeFlagSet(restored, STORE_FLAGS);
    (store as { inner: InMemoryFlagStore }).inner = restored;
    await sleep(100);
    expect(flags.revision).toBe(2);
    expect(flags.getString('theme', 'x')).toBe('light');
    expect(logger.lines.filter((line) => /behind the revision 2/.test(line))).toHaveLength(1);

    await writeFlagSet(restored, { flags: { theme: theme('dark') } });
    await writeFlagSet(restored, { flags: { theme: theme('light') } });
    await until(() => flags.revision === 3);
    expect(flags.evaluate('new-checkout').errorCode).toBe('FLAG_NOT_FOUND');
  });

  it('refreshes at once when the store announces a change, without waiting for the poll', async () => {
    let announce = (): void => undefined;
    class AnnouncingStore extends InMemoryFlagStore {
      override watch(onChange: () => void) {
        announce = onChange;
        return async () => {
          announce = () => undefined;
        };
      }
    }
    const store = new AnnouncingStore();
    await writeFlagSet(store, STORE_FLAGS);
    const flags = await instance({ store, pollIntervalMs: 60_000 });
    await writeFlagSet(store, { flags: { ...STORE_FLAGS.flags, theme: theme('light') } });
    await sleep(50);
    expect(flags.getString('theme', 'x')).toBe('dark');
    announce();
    await until(() => flags.getString('theme', 'x') === 'light', 200);
  });
});
