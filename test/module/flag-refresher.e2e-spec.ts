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
import { DAY_MS } from '../../lib/staleness/utc-days';
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

/** Noon UTC: a day added or an hour moves the calendar, never by accident across midnight. */
const NOON = Date.UTC(2027, 2, 1, 12);

/**
 * Fakes the calendar alone, from `now`: it runs on at the real pace, and jest.setSystemTime()
 * moves it; timers keep real time, so the module refreshes as it does in production.
 */
function fakeCalendar(now: number): void {
  jest.useFakeTimers({
    now,
    advanceTimers: true,
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'requestAnimationFrame',
      'cancelAnimationFrame',
      'requestIdleCallback',
      'cancelIdleCallback',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
    ],
  });
}

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
    jest.useRealTimers();
  });

  it('serves a change written by another instance within the poll interval, from the change log', async () => {
    const store = new ControllableStore();
    await writeFlagSet(store.inner, STORE_FLAGS);
    const flags = await instance({ store, sync: { pollIntervalMs: 20 } });
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
    const flags = await instance({ store, sync: { pollIntervalMs: 20 } });
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
      { store, sync: { pollIntervalMs: 10, retryIntervalMs: 10, loadTimeoutMs: 100 } },
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
    const flags = await instance({ store, sync: { pollIntervalMs: 10 } }, logger);
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

  it('reloads every flag, rather than follow the change log, after not seeing the store for as long as the log is kept', async () => {
    fakeCalendar(NOON);
    const store = new ControllableStore();
    await writeFlagSet(store.inner, STORE_FLAGS);
    const options = {
      store,
      sync: { pollIntervalMs: 10, retryIntervalMs: 10, loadTimeoutMs: 100 },
    };
    const flags = await instance({ ...options, sync: { changeLogRetentionDays: 30 } });
    store.mode = 'down';
    await until(() => flags.status().storeReachable === false);
    const loads = store.loads;

    // Meanwhile, for 40 days: theme changes on day 5, another instance's purge deletes that
    // entry on day 36 (30 days kept), new-checkout changes on day 39.
    jest.setSystemTime(NOON + 5 * DAY_MS);
    await writeFlagSet(store.inner, { flags: { ...STORE_FLAGS.flags, theme: theme('light') } });
    jest.setSystemTime(NOON + 36 * DAY_MS);
    await store.inner.forgetChanges(new Date(NOON + 6 * DAY_MS));
    jest.setSystemTime(NOON + 39 * DAY_MS);
    const onForEveryone = { state: 'ENABLED', variants: { on: true }, defaultVariant: 'on' };
    await writeFlagSet(store.inner, {
      flags: { 'new-checkout': onForEveryone, theme: theme('light') },
    });
    jest.setSystemTime(NOON + 40 * DAY_MS);
    // What the log still says since revision 1 would leave theme as it was.
    const logged = await store.inner.changesSince(1, 100);
    expect(logged.map((record) => [record.revision, record.key])).toEqual([[3, 'new-checkout']]);

    store.mode = 'up';
    await until(() => flags.revision === 3);
    expect(flags.getString('theme', 'x')).toBe('light');
    expect(flags.isEnabled('new-checkout')).toBe(true);
    expect(flags.status().checksum).toBe((await store.inner.state()).checksum);
    expect(store.loads).toBe(loads + 1);
  });

  it('follows the change log after weeks of polling, and after an outage shorter than the log is kept', async () => {
    fakeCalendar(NOON);
    const store = new ControllableStore();
    await writeFlagSet(store.inner, STORE_FLAGS);
    const options = {
      store,
      sync: { pollIntervalMs: 10, retryIntervalMs: 10, loadTimeoutMs: 100 },
    };
    const flags = await instance({ ...options, sync: { changeLogRetentionDays: 30 } });
    const loads = store.loads;

    // Sixty quiet days: every poll finds the store at the revision served.
    jest.setSystemTime(NOON + 60 * DAY_MS);
    await until(() => (flags.status().lastCheckedAt?.getTime() ?? 0) >= NOON + 60 * DAY_MS);
    await writeFlagSet(store.inner, { flags: { ...STORE_FLAGS.flags, theme: theme('light') } });
    await until(() => flags.revision === 2);

    store.mode = 'down';
    await until(() => flags.status().storeReachable === false);
    jest.setSystemTime(NOON + 80 * DAY_MS);
    await writeFlagSet(store.inner, STORE_FLAGS);
    store.mode = 'up';
    await until(() => flags.revision === 3);
    expect(flags.getString('theme', 'x')).toBe('dark');
    expect(store.loads).toBe(loads);
  });

  it('deletes the change-log entries past changeLogRetentionDays once a day, after a refresh', async () => {
    class PurgeCountingStore extends InMemoryFlagStore {
      readonly cutoffs: Date[] = [];
      override async forgetChanges(before: Date): Promise<void> {
        this.cutoffs.push(before);
        return super.forgetChanges(before);
      }
    }
    fakeCalendar(NOON);
    const store = new PurgeCountingStore();
    await writeFlagSet(store, STORE_FLAGS);
    const flags = await instance({ store, sync: { pollIntervalMs: 10 } });
    await until(() => store.cutoffs.length === 1);
    // 400 days by default, back from the refresh that ran it.
    const [cutoff] = store.cutoffs;
    expect(cutoff.getTime() - (NOON - 400 * DAY_MS)).toBeGreaterThanOrEqual(0);
    expect(cutoff.getTime() - (NOON - 400 * DAY_MS)).toBeLessThan(5_000);
    await sleep(100);
    expect(store.cutoffs).toHaveLength(1);

    jest.setSystemTime(NOON + DAY_MS);
    await until(() => store.cutoffs.length === 2);
    jest.setSystemTime(NOON + 401 * DAY_MS);
    await until(() => store.cutoffs.length === 3);
    await expect(store.changes(0, 100)).resolves.toEqual([]);
    expect((await store.load()).flags).toHaveLength(2);
    expect(flags.getString('theme', 'x')).toBe('dark');
  });

  it('says once that a purge failed, tries again an hour later, and goes on serving and following', async () => {
    class PurgeRefusingStore extends InMemoryFlagStore {
      attempts = 0;
      override async forgetChanges(): Promise<void> {
        this.attempts++;
        throw new Error('permission denied for table feature_flag_change');
      }
    }
    fakeCalendar(NOON);
    const store = new PurgeRefusingStore();
    await writeFlagSet(store, STORE_FLAGS);
    const logger = new RecordingLogger();
    const flags = await instance({ store, sync: { pollIntervalMs: 10 } }, logger);
    await until(() => store.attempts === 1);
    await sleep(100);
    expect(store.attempts).toBe(1);
    jest.setSystemTime(NOON + 3_600_000);
    await until(() => store.attempts === 2);

    const warnings = logger.lines.filter((line) => line.startsWith('warn'));
    expect(warnings).toEqual([
      'warn Could not delete the change-log entries older than 400 days (permission denied for ' +
        'table feature_flag_change); trying again in an hour. Deliveries and evaluations are not ' +
        'affected.',
    ]);
    expect(logger.lines.filter((line) => line.startsWith('error'))).toEqual([]);
    await writeFlagSet(store, { flags: { ...STORE_FLAGS.flags, theme: theme('light') } });
    await until(() => flags.getString('theme', 'x') === 'light');
    expect(flags.status()).toMatchObject({ revision: 2, degraded: false, storeReachable: true });
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
    const flags = await instance({ store, sync: { pollIntervalMs: 60_000 } });
    await writeFlagSet(store, { flags: { ...STORE_FLAGS.flags, theme: theme('light') } });
    await sleep(50);
    expect(flags.getString('theme', 'x')).toBe('dark');
    announce();
    await until(() => flags.getString('theme', 'x') === 'light', 200);
  });

  describe('while change notifications work', () => {
    /** A store that counts its revision reads, and whose notifications the test drives. */
    class NotifyingStore extends InMemoryFlagStore {
      reads = 0;
      announce = (): void => undefined;
      interrupt = (error: Error): void => void error;
      listening = (): void => undefined;
      override async state() {
        this.reads++;
        return super.state();
      }
      override watch(
        onChange: () => void,
        onError?: (error: Error) => void,
        onListening?: () => void,
      ) {
        this.announce = onChange;
        this.interrupt = (error) => onError?.(error);
        this.listening = () => {
          onListening?.();
          onChange();
        };
        return async () => undefined;
      }
    }

    /** The revision reads the store gets within `ms`. */
    async function readsWithin(store: NotifyingStore, ms: number): Promise<number> {
      const before = store.reads;
      await sleep(ms);
      return store.reads - before;
    }

    it('polls only as a safety net, back to pollIntervalMs at once when they stop, and relaxes when they return', async () => {
      const store = new NotifyingStore();
      await writeFlagSet(store, STORE_FLAGS);
      const logger = new RecordingLogger();
      const flags = await instance(
        { store, sync: { pollIntervalMs: 20, safetyPollIntervalMs: 60_000 } },
        logger,
      );
      const health = apps[0].get(FlagsHealthIndicator);
      // Before notifications start, polling is how changes arrive.
      expect(flags.status().notifications).toBe('off');
      expect(await readsWithin(store, 300)).toBeGreaterThanOrEqual(5);

      store.listening();
      await until(() => flags.status().notifications === 'live');
      await sleep(50);
      expect(await readsWithin(store, 400)).toBe(0);
      expect(health.check().flags).toMatchObject({ status: 'up', notifications: 'live' });
      // An announced change is read at once.
      await writeFlagSet(store, { flags: { ...STORE_FLAGS.flags, theme: theme('light') } });
      store.announce();
      await until(() => flags.getString('theme', 'x') === 'light', 200);

      store.interrupt(new Error('the LISTEN connection ended'));
      store.interrupt(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
      expect(flags.status().notifications).toBe('down');
      // Changes still arrive, without an announcement, and the check stays up: nothing is stale.
      await writeFlagSet(store, { flags: { ...STORE_FLAGS.flags, theme: theme('dark') } });
      await until(() => flags.getString('theme', 'x') === 'dark', 300);
      expect(await readsWithin(store, 300)).toBeGreaterThanOrEqual(5);
      expect(health.check().flags).toMatchObject({ status: 'up', notifications: 'down' });

      store.listening();
      await until(() => flags.status().notifications === 'live');
      await sleep(50);
      expect(await readsWithin(store, 400)).toBe(0);
      const said = logger.lines.filter((line) =>
        /Change notifications|Following changes/.test(line),
      );
      expect(said).toEqual([
        'log Following changes through the store (LISTEN/NOTIFY); polling every 60 s as a safety net.',
        'warn Change notifications from the store (LISTEN/NOTIFY) are interrupted (the LISTEN connection ended); polling every 20 ms until they are back.',
        'log Change notifications from the store (LISTEN/NOTIFY) are back; polling every 60 s as a safety net.',
      ]);
    });

    it('retries every retryIntervalMs after an announced change fails to read, not at the next safety poll', async () => {
      let failing = false;
      class FailingStore extends NotifyingStore {
        override async state() {
          if (failing) {
            this.reads++;
            throw new Error('Connection terminated unexpectedly');
          }
          return super.state();
        }
      }
      const store = new FailingStore();
      await writeFlagSet(store, STORE_FLAGS);
      const flags = await instance(
        {
          store,
          sync: { pollIntervalMs: 20, retryIntervalMs: 20, safetyPollIntervalMs: 60_000 },
        },
        new RecordingLogger(),
      );
      store.listening();
      await until(() => flags.status().notifications === 'live');
      await sleep(50);

      failing = true;
      await writeFlagSet(store, { flags: { ...STORE_FLAGS.flags, theme: theme('light') } });
      store.announce();
      await until(() => !flags.status().storeReachable, 200);
      // The announcement is not repeated: only a retry brings the change once the store answers.
      expect(await readsWithin(store, 200)).toBeGreaterThanOrEqual(3);
      failing = false;
      await until(() => flags.getString('theme', 'x') === 'light', 300);
      expect(flags.status()).toMatchObject({ storeReachable: true, notifications: 'live' });
      // Then the safety poll's rhythm again.
      await sleep(50);
      expect(await readsWithin(store, 300)).toBe(0);
    });

    it('reads the store every safetyPollIntervalMs, so a change never announced still arrives', async () => {
      const store = new NotifyingStore();
      await writeFlagSet(store, STORE_FLAGS);
      const flags = await instance({
        store,
        sync: { pollIntervalMs: 20, safetyPollIntervalMs: 300 },
      });
      store.listening();
      await until(() => flags.status().notifications === 'live');
      // The reads that follow the start of notifications are over well before 100 ms.
      await sleep(100);
      await writeFlagSet(store, { flags: { ...STORE_FLAGS.flags, theme: theme('light') } });
      // Not before the shortest jittered interval (-20%), within the longest (+20%).
      expect(await readsWithin(store, 130)).toBe(0);
      expect(flags.getString('theme', 'x')).toBe('dark');
      await until(() => flags.getString('theme', 'x') === 'light', 400);
    });
  });
});
