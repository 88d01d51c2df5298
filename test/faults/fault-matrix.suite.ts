import type { ProxyFault } from '../support/tcp-proxy';
import type { DatabaseTarget, TestDatabase } from '../store/database-targets';
import { writeFlagSet } from '../support/write-flag-set';
import { sleep, until } from '../support/until';
import { TypeOrmFlagStore } from '../../lib';
import {
  BOUNDS,
  FLAGS,
  type FaultyApp,
  evaluationLoad,
  probePatch,
  startFaultyApp,
} from './fault-app';

/** Every fault the proxy plays, each past the store's bound where time is what it costs. */
export const FAULTS: Array<[string, ProxyFault]> = [
  ['connections refused', { kind: 'refuse' }],
  ['a network that answers nothing', { kind: 'blackhole' }],
  ['latency past the bound', { kind: 'latency', ms: BOUNDS.timeoutMs * 2 }],
  ['connections reset mid-query', { kind: 'reset' }],
  ['answers trickling in', { kind: 'trickle', ms: 200 }],
];

/** Whether a bounded answer came within the bound (and scheduling slack). */
const within = (ms: number, bound: number = BOUNDS.timeoutMs) => ms <= bound + BOUNDS.slackMs;

/**
 * Every path that touches the database, under every fault of the network between the
 * application and its database (PostgreSQL or MariaDB, through an in-process TCP proxy): the
 * outcome is bounded, evaluations never notice, and everything converges once the fault ends.
 */
export function describeFaultMatrix(target: DatabaseTarget, port: number): void {
  describe(`faults between the application and ${target.name}`, () => {
    let database: TestDatabase;
    let direct: TypeOrmFlagStore;

    beforeAll(async () => {
      database = await target.create();
      await database.dataSource.runMigrations();
      direct = new TypeOrmFlagStore(database.dataSource);
      await writeFlagSet(direct, FLAGS);
    }, 30_000);

    afterAll(async () => {
      await database?.drop();
    });

    describe.each(FAULTS)('%s', (_name, fault) => {
      let faulty: FaultyApp;

      beforeEach(async () => {
        faulty = await startFaultyApp(database, port);
      }, 30_000);

      afterEach(async () => {
        await faulty?.close();
      }, 30_000);

      it('keeps evaluations answering, bounds every wait, degrades, recovers and converges', async () => {
        const { flags } = faulty;
        await until(() => faulty.health().status === 'up', 5000);
        const before = (await direct.state()).revision;
        const load = evaluationLoad(flags);
        flags.isEnabled('beta');

        faulty.proxy.set(fault);
        const delivery = await faulty.deliver(probePatch(before + 1, 111));
        expect(delivery.status).toBe(503);
        expect(delivery.body.error).toBe('store_unavailable');
        expect(within(delivery.ms)).toBe(true);

        const definitions = await faulty.read('definitions');
        expect(definitions.status).toBe(503);
        expect(within(definitions.ms)).toBe(true);
        const state = await faulty.read('state');
        expect(state).toMatchObject({ status: 200, body: { store: null } });
        expect(within(state.ms)).toBe(true);

        // Health turns degraded within a poll and a bounded read.
        await until(
          () => faulty.health().status === 'degraded',
          BOUNDS.pollIntervalMs + BOUNDS.loadTimeoutMs + BOUNDS.slackMs,
        );
        // Another instance changes the flags meanwhile, on a healthy connection.
        const moved = await writeFlagSet(direct, {
          flags: {
            ...FLAGS.flags,
            probe: { state: 'ENABLED', variants: { v: 222 }, defaultVariant: 'v' },
          },
        });
        await sleep(300);

        faulty.proxy.restore();
        await until(
          () => faulty.health().status === 'up' && flags.revision === moved,
          BOUNDS.pollIntervalMs + BOUNDS.timeoutMs + BOUNDS.slackMs,
          10,
        ).catch((error: Error) => {
          throw new Error(
            `${error.message}: ${JSON.stringify({ health: faulty.health(), served: flags.revision, moved })}`,
          );
        });
        expect(flags.getNumber('probe', 0)).toBe(222);
        // The refused delivery left nothing behind: the store holds only the other change.
        expect((await direct.state()).revision).toBe(moved);
        // And a delivery applies again.
        const again = await faulty.deliver(probePatch(moved + 1, 333));
        expect(again.status).toBe(200);
        expect(flags.getNumber('probe', 0)).toBe(333);

        const { evaluations, failures, maxDelayMs } = load.stop();
        expect(failures).toEqual([]);
        expect(evaluations).toBeGreaterThan(1000);
        // Nothing held the event loop while the database did not answer.
        expect(maxDelayMs).toBeLessThan(250);
        // Usage counted during the fault reaches the store once it is back.
        await until(async () => {
          const counts = await direct.usage('1970-01-01');
          return counts.some((count) => count.flagKey === 'beta' && count.count > 1000);
        }, 5000);
      }, 30_000);
    });

    it('starts on the bootstrap flags within loadTimeoutMs while the database answers nothing', async () => {
      const faulty = await startFaultyApp(
        database,
        port,
        {},
        { faultAtStart: { kind: 'blackhole' } },
      );
      try {
        expect(faulty.startedInMs).toBeLessThan(BOUNDS.loadTimeoutMs + BOUNDS.slackMs);
        expect(faulty.health()).toMatchObject({ status: 'degraded', source: 'bootstrap' });
        expect(faulty.flags.isEnabled('beta')).toBe(true);
        faulty.proxy.restore();
        await until(() => faulty.health().source === 'store', 5000);
      } finally {
        await faulty.close();
      }
    }, 30_000);

    it('shuts down within its bounds while the database answers nothing, saying what it could not store', async () => {
      const faulty = await startFaultyApp(database, port);
      try {
        faulty.flags.isEnabled('beta');
        faulty.proxy.set({ kind: 'blackhole' });
        const started = performance.now();
        await faulty.app.close();
        const took = performance.now() - started;
        expect(took).toBeLessThan(BOUNDS.loadTimeoutMs * 2 + BOUNDS.timeoutMs + BOUNDS.slackMs);
        expect(faulty.logger.messages('warn').join('\n')).toMatch(
          /last usage flush did not finish/,
        );
      } finally {
        await faulty.close();
      }
    }, 30_000);

    it('holds at most two connections of the pool (and one LISTEN) while the database hangs', async () => {
      // Each driver names its pool size differently and warns about the other's name.
      const pool =
        database.dataSource.options.type === 'postgres' ? { max: 10 } : { connectionLimit: 10 };
      const faulty = await startFaultyApp(database, port, {}, { pool });
      try {
        await until(() => faulty.health().status === 'up', 5000);
        const open = faulty.proxy.openConnections;
        faulty.proxy.set({ kind: 'blackhole' });
        const answers = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            i % 2 === 0 ? faulty.deliver(probePatch(1000 + i, i)) : faulty.read('definitions'),
          ),
        );
        expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(503));
        // Each held connection is one more connection through the proxy, at most.
        expect(faulty.proxy.openConnections - open).toBeLessThanOrEqual(2);
        // The host's own queries still get a connection of the pool (they wait for the
        // database like any query, but not for one of ours).
        const pool = faulty.dataSource.driver as unknown as {
          master?: { totalCount?: number; idleCount?: number };
          pool?: { _allConnections?: { length: number } };
        };
        const held = pool.master?.totalCount ?? pool.pool?._allConnections?.length ?? Number.NaN;
        expect(held).toBeLessThanOrEqual(2 + (target.name === 'PostgreSQL' ? 1 : 0) + 2);
      } finally {
        await faulty.close();
      }
    }, 60_000);
  });
}
