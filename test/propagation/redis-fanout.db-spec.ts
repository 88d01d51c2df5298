import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { FLAG_ENTITIES, type FlagSetDocument, TypeOrmFlagStore } from '../../lib';
import { planChange } from '../../lib/core/plan-change';
import {
  type AppProcess,
  type ClusterDatabase,
  buildExampleApp,
  createClusterDatabase,
  deliver,
  freePort,
  health,
  probePatch,
  served,
  startExampleApp,
  waitForProbe,
  evaluationLoad,
} from '../support/app-cluster';
import { TcpProxy } from '../support/tcp-proxy';
import { sleep, until } from '../support/until';

/*
 * Redis fan-out (`sync.redis`) with real example-app processes, a real Redis and real databases:
 * the instance that applies a delivery publishes its revision, every other reads the change from
 * its database at once; polling is only a safety net while Redis is live, and the way changes
 * arrive while it is not.
 *
 * Shared by the tests, started once (about 10 instances, to keep the file well under 90 s):
 * - `maria` (MariaDB): `slow`, 3 instances polling every 5 s, so only Redis explains a change
 *   arriving within a second; `safety`, 2 instances whose safety poll runs every 1.5 s;
 * - `pg` (PostgreSQL): `pgApps`, 2 instances polling every 5 s;
 * - `proxied` (MariaDB): `cut`, 3 instances reaching Redis through a TCP proxy the test breaks,
 *   with the default intervals (500 ms polling, 30 s safety poll).
 */

const REDIS_URL = process.env.FLAGS_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const INTERRUPTED = 'Change notifications from Redis are interrupted';
const BACK = 'Change notifications from Redis are back';

/** A database, and the last revision applied to it. */
interface Tracked {
  database: ClusterDatabase;
  revision: number;
}

/** REDIS_URL with its host and port replaced by the proxy's. */
function throughProxy(port: number): string {
  const url = new URL(REDIS_URL);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return url.toString();
}

/** The default Redis channel of the instances on `database`, as the library names it. */
function channelOf(type: 'mariadb' | 'postgres', database: ClusterDatabase): string {
  const dataSource = new DataSource({ type, url: database.url, entities: [...FLAG_ENTITIES] });
  return `hybrid-flags:${new TypeOrmFlagStore(dataSource).identity()}`;
}

async function notifications(app: AppProcess): Promise<unknown> {
  return (await health(app)).notifications;
}

/** Waits until every app's health shows `notifications: expected`; returns how long it took. */
function allNotifications(apps: AppProcess[], expected: string, timeoutMs: number) {
  return until(
    async () => (await Promise.all(apps.map(notifications))).every((n) => n === expected),
    timeoutMs,
    50,
  ).catch(async (error: Error) => {
    const seen = await Promise.all(apps.map(notifications));
    throw new Error(`${error.message}: expected ${expected}, health shows ${seen.join(', ')}`);
  });
}

/** Occurrences of `text` in `output`. */
const count = (output: string, text: string) => output.split(text).length - 1;

/** Delivers the next revision of `target` to `app`, setting the probe flag to `value`. */
async function deliverNext(app: AppProcess, target: Tracked, value: number): Promise<number> {
  const revision = target.revision + 1;
  const answer = await deliver(app, probePatch(revision, value));
  expect(answer).toEqual({
    status: 200,
    body: { status: 'applied', revision, changed: ['probe'] },
  });
  target.revision = revision;
  return revision;
}

/**
 * Writes the probe flag straight into the store, as the next revision, without any announcement
 * (no instance applied it, so no one publishes it).
 */
async function writeUnannounced(dataSource: DataSource, target: Tracked, value: number) {
  const store = new TypeOrmFlagStore(dataSource);
  const current = await store.load();
  const document: FlagSetDocument = {
    flags: {
      ...Object.fromEntries(current.flags.map((flag) => [flag.key, JSON.parse(flag.definition)])),
      probe: { state: 'ENABLED', variants: { v: value }, defaultVariant: 'v' },
    },
    $evaluators: Object.fromEntries(
      current.evaluators.map((evaluator) => [evaluator.key, JSON.parse(evaluator.definition)]),
    ),
    ...(current.metadata === null ? {} : { metadata: JSON.parse(current.metadata) }),
  } as FlagSetDocument;
  const outcome = await store.apply(
    planChange(current, document, current.revision + 1, { actor: 'test', at: new Date() }),
  );
  expect(outcome.status).toBe('applied');
  target.revision = current.revision + 1;
}

describe('change notifications through Redis (sync.redis)', () => {
  let maria: Tracked;
  let pg: Tracked;
  let proxiedDb: Tracked;
  let mariaSource: DataSource;
  let proxiedSource: DataSource;
  let pgAdmin: DataSource;
  let proxy: TcpProxy;
  /** PSUBSCRIBEd to hybrid-flags:*, recording every message. */
  let listener: Redis;
  /** For PUBSUB commands, which a subscribed connection cannot send. */
  let commands: Redis;
  const heard: Array<{ channel: string; message: string; at: number }> = [];
  const everyApp: AppProcess[] = [];
  const slow: AppProcess[] = [];
  const safety: AppProcess[] = [];
  const pgApps: AppProcess[] = [];
  const cut: AppProcess[] = [];

  async function start(env: Record<string, string>, group: AppProcess[]): Promise<AppProcess> {
    const app = await startExampleApp(env);
    everyApp.push(app);
    group.push(app);
    return app;
  }

  beforeAll(async () => {
    buildExampleApp();
    // Each assigned as soon as it exists, so afterAll drops it even if another one failed.
    await Promise.all([
      createClusterDatabase('mariadb').then((database) => (maria = { database, revision: 1 })),
      createClusterDatabase('postgres').then((database) => (pg = { database, revision: 1 })),
      createClusterDatabase('mariadb').then((database) => (proxiedDb = { database, revision: 1 })),
    ]);
    const [mariaDb, pgDb, proxiedDatabase] = [maria.database, pg.database, proxiedDb.database];

    listener = new Redis(REDIS_URL, { lazyConnect: true });
    commands = new Redis(REDIS_URL, { lazyConnect: true });
    await Promise.all([listener.connect(), commands.connect()]);
    listener.on('pmessage', (_pattern: string, channel: string, message: string) =>
      heard.push({ channel, message, at: performance.now() }),
    );
    await listener.psubscribe('hybrid-flags:*');

    const redis = new URL(REDIS_URL);
    proxy = new TcpProxy(Number(redis.port || 6379), redis.hostname);
    const proxied = throughProxy(await proxy.listen());

    const slowEnv = { DATABASE_URL: mariaDb.url, REDIS_URL, FLAGS_POLL_INTERVAL_MS: '5000' };
    const pgEnv = { DATABASE_URL: pgDb.url, REDIS_URL, FLAGS_POLL_INTERVAL_MS: '5000' };
    const cutEnv = { DATABASE_URL: proxiedDatabase.url, REDIS_URL: proxied };
    // The first instance on each database creates the tables and seeds the flags; then the rest.
    await Promise.all([start(slowEnv, slow), start(pgEnv, pgApps), start(cutEnv, cut)]);
    await Promise.all([
      start(slowEnv, slow),
      start(pgEnv, pgApps),
      start(cutEnv, cut),
      start(cutEnv, cut),
    ]);
    // The safety poll every 1.5 s (±20%); pollIntervalMs may not be longer than it.
    const safetyEnv = {
      DATABASE_URL: mariaDb.url,
      REDIS_URL,
      FLAGS_POLL_INTERVAL_MS: '1500',
      FLAGS_SAFETY_POLL_INTERVAL_MS: '1500',
    };
    await Promise.all([start(slowEnv, slow), start(safetyEnv, safety), start(safetyEnv, safety)]);

    mariaSource = await new DataSource({
      type: 'mariadb',
      url: mariaDb.url,
      entities: [...FLAG_ENTITIES],
    }).initialize();
    proxiedSource = await new DataSource({
      type: 'mariadb',
      url: proxiedDatabase.url,
      entities: [...FLAG_ENTITIES],
    }).initialize();
    pgAdmin = await new DataSource({
      type: 'postgres',
      url: process.env.FLAGS_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    }).initialize();
  }, 120_000);

  afterAll(async () => {
    try {
      await Promise.allSettled(everyApp.map((app) => app.stop()));
    } finally {
      listener?.disconnect();
      commands?.disconnect();
      await proxy?.close();
      await Promise.allSettled(
        [mariaSource, proxiedSource, pgAdmin].map((source) => source?.destroy()),
      );
      await Promise.allSettled([maria, pg, proxiedDb].map((target) => target?.database.drop()));
    }
  }, 60_000);

  // Shows that Redis carries changes between instances on MariaDB, which has no notifications of
  // its own: polling every 5 s could not bring six arrivals all within a second.
  it('brings a delivery to any instance on MariaDB to every other within a second', async () => {
    await allNotifications(slow, 'live', 5000);
    const delays: number[] = [];
    for (const receiver of slow) {
      const since = performance.now();
      const revision = await deliverNext(receiver, maria, maria.revision + 1);
      const others = slow.filter((app) => app !== receiver);
      delays.push(
        ...(await Promise.all(others.map((app) => waitForProbe(app, revision, since, 1000)))),
      );
    }
    process.stdout.write(
      `mariadb + Redis: propagation delays (ms) ${delays.map((d) => d.toFixed(0)).join(', ')}\n`,
    );
    expect(delays).toHaveLength(6);
    for (const app of slow) expect(await health(app)).toMatchObject({ notifications: 'live' });
  }, 20_000);

  // Shows that on PostgreSQL Redis replaces LISTEN: changes still arrive within a second (polling
  // every 5 s), and no connection sits in LISTEN; an instance without REDIS_URL on the same
  // database is then seen in LISTEN by the same query, so the query can find one.
  it('converges as fast on PostgreSQL with no LISTEN connection held', async () => {
    const listening = async () => {
      const [row] = (await pgAdmin.query(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND query ILIKE 'LISTEN%'",
        [pg.database.name],
      )) as Array<{ n: number }>;
      return row.n;
    };
    await allNotifications(pgApps, 'live', 5000);
    for (const receiver of pgApps) {
      const since = performance.now();
      const revision = await deliverNext(receiver, pg, pg.revision + 1);
      const [other] = pgApps.filter((app) => app !== receiver);
      await waitForProbe(other, revision, since, 1000);
    }
    expect(await listening()).toBe(0);

    const plain = await startExampleApp({ DATABASE_URL: pg.database.url });
    everyApp.push(plain);
    try {
      await until(async () => (await listening()) === 1, 5000, 50);
      // LISTEN is how it hears of changes, so it reports live notifications too.
      await allNotifications([plain], 'live', 5000);
    } finally {
      await plain.stop();
    }
  }, 30_000);

  // Shows that applications on other databases sharing one Redis use channels of their own: one
  // per database (counted subscribers), and a delivery is published once, on its own channel.
  it('keeps applications on other databases apart on a shared Redis', async () => {
    const channels = {
      maria: channelOf('mariadb', maria.database),
      proxied: channelOf('mariadb', proxiedDb.database),
      pg: channelOf('postgres', pg.database),
    };
    for (const channel of Object.values(channels)) {
      expect(channel).toMatch(/^hybrid-flags:[0-9a-f]{16}$/);
    }
    expect(new Set(Object.values(channels)).size).toBe(3);
    const ours = new Set(Object.values(channels));
    const active = (await commands.pubsub('CHANNELS', 'hybrid-flags:*')) as string[];
    expect(active).toEqual(expect.arrayContaining(Object.values(channels)));
    // Every instance subscribes to its database's channel, and only those instances do.
    const numsub = (await commands.pubsub(
      'NUMSUB',
      channels.maria,
      channels.proxied,
      channels.pg,
    )) as Array<string | number>;
    expect(numsub.map(String)).toEqual([
      channels.maria,
      String(slow.length + safety.length),
      channels.proxied,
      String(cut.length),
      channels.pg,
      String(pgApps.length),
    ]);

    for (const [receiver, target, own, other] of [
      [slow[0], maria, channels.maria, cut[0]],
      [cut[0], proxiedDb, channels.proxied, slow[0]],
    ] as const) {
      const otherRevision = (await served(other)).revision;
      const pgRevision = (await served(pgApps[0])).revision;
      const from = heard.length;
      const revision = await deliverNext(receiver, target, target.revision + 1);
      await until(() => heard.slice(from).some((m) => m.channel === own), 1000);
      await sleep(300);
      const published = heard.slice(from).filter((m) => ours.has(m.channel));
      expect(published.map(({ channel, message }) => ({ channel, message }))).toEqual([
        { channel: own, message: String(revision) },
      ]);
      expect((await served(other)).revision).toBe(otherRevision);
      expect((await served(pgApps[0])).revision).toBe(pgRevision);
    }
  }, 20_000);

  // Shows the safety poll: a change no one announced (written straight into the database) still
  // reaches instances whose notifications are live, within their safety interval (1.5 s ±20%).
  it('picks up a change that was never announced within the safety poll interval', async () => {
    await allNotifications(safety, 'live', 5000);
    const channel = channelOf('mariadb', maria.database);
    const from = heard.length;
    const since = performance.now();
    await writeUnannounced(mariaSource, maria, 4242);
    const delays = await Promise.all(
      safety.map((app) => waitForProbe(app, 4242, since, 1500 * 1.2 + 1000)),
    );
    process.stdout.write(`safety poll: arrivals (ms) ${delays.map((d) => d.toFixed(0))}\n`);
    // Nothing was published, and notifications never stopped: the safety poll brought it.
    expect(heard.slice(from).filter((m) => m.channel === channel)).toEqual([]);
    for (const app of safety) expect(await health(app)).toMatchObject({ notifications: 'live' });
  }, 20_000);

  // Shows what an instance does when Redis goes away and comes back, under evaluation load:
  // notifications go down at once (refused) or within the PING check (black-holed), changes keep
  // arriving by polling every 500 ms, and notifications come back by themselves, polling relaxes
  // to the safety interval (an unannounced change stays unseen), the warning is logged once per
  // interruption, and no evaluation fails.
  it('falls back to polling while Redis is cut or black-holed, and recovers', async () => {
    await allNotifications(cut, 'live', 5000);
    const load = evaluationLoad(cut);
    try {
      // Refused: every connection reset, every new one too.
      const before = cut.map((app) => app.output().length);
      proxy.cut();
      const detected = await allNotifications(cut, 'down', 5000);
      // Evaluations and the store are fine: no reason to fail the health check.
      for (const app of cut) {
        expect(await health(app)).toMatchObject({ status: 'up', notifications: 'down' });
      }
      let since = performance.now();
      let revision = await deliverNext(cut[0], proxiedDb, 100);
      const outage = await Promise.all(
        cut.slice(1).map((app) => waitForProbe(app, 100, since, 2000)),
      );
      proxy.restore();
      const recovered = await allNotifications(cut, 'live', 5000);
      // Lets the read each instance makes when notifications come back finish.
      await sleep(500);
      const refusedLog = cut.map((app, i) => app.output().slice(before[i]));
      for (const output of refusedLog) {
        expect(count(output, INTERRUPTED)).toBe(1);
        expect(count(output, BACK)).toBe(1);
      }
      // The receiver says its announcement was lost, and that the others poll.
      expect(refusedLog[0]).toContain(`Could not announce revision ${revision} through Redis`);

      // Polling relaxed to the 30 s safety net: a change no one announced is not picked up...
      await writeUnannounced(proxiedSource, proxiedDb, 200);
      await sleep(1500);
      for (const app of cut) expect((await served(app)).flags.probe?.value).toBe(100);
      // ...and the next announced one arrives within a second, by Redis.
      since = performance.now();
      revision = await deliverNext(cut[1], proxiedDb, 300);
      const back = await Promise.all(
        cut.filter((app) => app !== cut[1]).map((app) => waitForProbe(app, 300, since, 1000)),
      );
      for (const app of cut) expect((await served(app)).revision).toBe(revision);

      // Black-holed: the connection stays open and answers nothing; the PING notices it.
      const beforeHole = cut.map((app) => app.output().length);
      proxy.set({ kind: 'blackhole' });
      const holeDetected = await allNotifications(cut, 'down', 10_000);
      since = performance.now();
      await deliverNext(cut[2], proxiedDb, 400);
      const inHole = await Promise.all(
        cut.slice(0, 2).map((app) => waitForProbe(app, 400, since, 2000)),
      );
      proxy.restore();
      const holeRecovered = await allNotifications(cut, 'live', 5000);
      since = performance.now();
      await deliverNext(cut[0], proxiedDb, 500);
      const afterHole = await Promise.all(
        cut.slice(1).map((app) => waitForProbe(app, 500, since, 1000)),
      );
      await sleep(300);
      for (const [i, app] of cut.entries()) {
        const output = app.output().slice(beforeHole[i]);
        expect(count(output, INTERRUPTED)).toBe(1);
        expect(output).toMatch(/interrupted \(Redis \(PING\) did not answer/);
        expect(count(output, BACK)).toBe(1);
      }

      process.stdout.write(
        [
          `refused: down after ${detected} ms, outage delays ${outage.map((d) => d.toFixed(0))} ms,`,
          `live again after ${recovered} ms, delays then ${back.map((d) => d.toFixed(0))} ms;`,
          `black hole: down after ${holeDetected} ms, delays ${inHole.map((d) => d.toFixed(0))} ms,`,
          `live again after ${holeRecovered} ms, delays then ${afterHole.map((d) => d.toFixed(0))} ms\n`,
        ].join(' '),
      );
    } finally {
      proxy.restore();
      const { sent, failures } = await load.stop();
      expect(failures).toEqual([]);
      expect(sent).toBeGreaterThan(100);
    }
  }, 60_000);

  // Shows that Redis being down is no reason not to start: the instance serves the store's flags,
  // says notifications are down (once), and picks up another instance's change by polling.
  it('starts while Redis is down, and polls every 500 ms', async () => {
    const closed = await freePort();
    const late = await startExampleApp({
      DATABASE_URL: maria.database.url,
      REDIS_URL: `redis://127.0.0.1:${closed}`,
    });
    everyApp.push(late);
    expect((await served(late)).revision).toBe(maria.revision);
    await allNotifications([late], 'down', 5000);
    expect(await health(late)).toMatchObject({ status: 'up', source: 'store' });

    const since = performance.now();
    const revision = await deliverNext(slow[1], maria, 7777);
    const delay = await waitForProbe(late, 7777, since, 500 + 1000);
    // The instance that announced it and the others on Redis are not held back.
    await Promise.all([slow[0], slow[2]].map((app) => waitForProbe(app, 7777, since, 1000)));
    expect((await served(late)).revision).toBe(revision);
    process.stdout.write(`Redis down at start: arrival by polling after ${delay.toFixed(0)} ms\n`);
    // Reconnection attempts go on every second, and the warning is said once.
    await sleep(1500);
    expect(count(late.output(), INTERRUPTED)).toBe(1);
    expect(await notifications(late)).toBe('down');
  }, 30_000);
});
