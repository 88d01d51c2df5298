/*
 * One setup at one fleet size, on a database of its own: start the instances, let them settle,
 * read the idle cost from the server's statistics, then send deliveries round robin and time
 * every other instance until it serves each one, counting what the reloads cost the database.
 */
import { loadavg } from 'node:os';
import {
  type AppProcess,
  createClusterDatabase,
  deliver,
  health,
  probePatch,
  served,
} from '../../test/support/app-cluster';
import { convergence, percentile } from './convergence';
import { type DatabaseKind, openDatabaseStatistics } from './database-statistics';
import type { RedisServer } from './redis-server';
import { startFleet } from './start-fleet';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The instances' `pollIntervalMs`, as the propagation benchmark runs them. */
export const POLL_INTERVAL_MS = 500;

/**
 * Each instance's first usage flush, 60 s after it starts, runs the day's purge of old usage
 * counts (one DELETE): the idle window starts after it, with a margin.
 */
const FIRST_USAGE_FLUSH_MS = 60_000 + 3_000;

/** PostgreSQL's backends report their statistics up to ~1 s after a transaction ends. */
const STATISTICS_DELAY_MS = 1_500;

const CONNECTION_SAMPLE_MS = 10_000;

export interface Setup {
  id: string;
  name: string;
  kind: DatabaseKind;
  /** Whether the instances get REDIS_URL. */
  redis: boolean;
  env: Record<string, string>;
  /** Target p99 of the propagation delay, in ms. */
  targetP99Ms: number;
  /** Target idle statements per second per instance, if any. */
  targetIdle?: number;
}

export interface FleetSettings {
  idleSeconds: number;
  settleSeconds: number;
  deliveries: number;
  probeTickMs: number;
  convergenceTimeoutMs: number;
  startConcurrency: number;
}

/** Per instance: the mean of the samples taken over the idle window, and the largest. */
export interface Sampled {
  mean: number;
  max: number;
}

export interface FleetResult {
  setup: string;
  name: string;
  instances: number;
  databaseVersion: string;
  startupSeconds: number;
  idleSeconds: number;
  idleStatements: number;
  /** Statements (PostgreSQL: transactions) per second per idle instance. */
  idlePerInstance: number;
  databaseConnections: Sampled;
  /** Database connections opened per minute per idle instance (a pool closing idle ones). */
  connectionsOpenedPerMinute?: number;
  redisConnections?: Sampled;
  deliveries: number;
  /** (delivery, other instance) pairs timed, and those that did not converge in time. */
  pairs: number;
  notConverged: number;
  deliveryStatements: number;
  deliverySeconds: number;
  /** Statements during the deliveries, less the idle rate, per delivery per instance. */
  perChangePerInstance: number;
  p50: number;
  p99: number;
  max: number;
  /** The machine's 1-minute load average at the end of the idle window (other work on it). */
  loadAfterIdle: number;
  /** Instances not serving the last delivery's value over GET / at the end. */
  wrongFinalValue: number;
  targetP99Ms: number;
  targetIdle?: number;
}

const log = (line: string) => process.stdout.write(`  ${line}\n`);

function sampled(values: number[], instances: number): Sampled {
  const perInstance = values.map((value) => value / instances);
  return {
    mean: perInstance.reduce((sum, value) => sum + value, 0) / Math.max(1, perInstance.length),
    max: Math.max(...perInstance),
  };
}

export async function measureFleet(
  setup: Setup,
  instances: number,
  settings: FleetSettings,
  redis: RedisServer | undefined,
): Promise<FleetResult> {
  const database = await createClusterDatabase(setup.kind);
  const started: AppProcess[] = [];
  let statistics: Awaited<ReturnType<typeof openDatabaseStatistics>> | undefined;
  try {
    statistics = await openDatabaseStatistics(setup.kind, database);
    const stats = statistics;
    const env = {
      ...setup.env,
      DATABASE_URL: database.url,
      FLAGS_POLL_INTERVAL_MS: String(POLL_INTERVAL_MS),
    };
    const startedAt = performance.now();
    const apps = await startFleet(instances, env, settings.startConcurrency, started);
    const readyAt = performance.now();
    const startupSeconds = (readyAt - startedAt) / 1000;
    log(`${instances} instances serving the store's flags after ${startupSeconds.toFixed(1)} s`);
    const pids = apps.map((app) => app.child.pid as number);
    if (redis && (await redis.clientsOf(pids)) === 0) {
      throw new Error(
        `${setup.name}: no instance connected to Redis with REDIS_URL set: does the example app read REDIS_URL?`,
      );
    }

    // Settle: startup's migrations, seed, first loads and purges, and every first usage flush.
    const settleMs = Math.max(
      settings.settleSeconds * 1000,
      FIRST_USAGE_FLUSH_MS - (performance.now() - readyAt),
    );
    log(`settling for ${(settleMs / 1000).toFixed(0)} s`);
    await sleep(settleMs);

    // Idle window.
    log(`idle for ${settings.idleSeconds} s`);
    const databaseSamples: number[] = [];
    const redisSamples: number[] = [];
    const sample = async () => {
      databaseSamples.push(await stats.connections());
      if (redis) redisSamples.push(await redis.clientsOf(pids));
    };
    const idleFrom = performance.now();
    const idleStart = await stats.statements();
    const openedStart = await stats.connectionsOpened();
    await sample();
    const idleUntil = idleFrom + settings.idleSeconds * 1000;
    while (performance.now() + CONNECTION_SAMPLE_MS < idleUntil) {
      await sleep(CONNECTION_SAMPLE_MS);
      await sample();
    }
    await sleep(Math.max(0, idleUntil - performance.now()));
    const idleEnd = await stats.statements();
    const openedEnd = await stats.connectionsOpened();
    const idleSeconds = (performance.now() - idleFrom) / 1000;
    await sample();
    const loadAfterIdle = loadavg()[0];
    const idleStatements = idleEnd - idleStart;
    const idlePerInstance = idleStatements / idleSeconds / instances;
    const connectionsOpenedPerMinute = ((openedEnd - openedStart) * 60) / idleSeconds / instances;
    log(
      `idle: ${idleStatements} statements in ${idleSeconds.toFixed(1)} s, ${idlePerInstance.toFixed(3)}/s per instance, ${connectionsOpenedPerMinute.toFixed(2)} connections opened per minute per instance (load average ${loadAfterIdle.toFixed(2)})`,
    );

    // Deliveries, round robin; every other instance timed until it serves each.
    const deliveriesFrom = performance.now();
    const base = Number((await health(apps[0])).revision);
    const delays: number[] = [];
    let notConverged = 0;
    let revision = base;
    for (let i = 0; i < settings.deliveries; i++) {
      revision = base + 1 + i;
      const receiver = apps[i % apps.length];
      const answer = await deliver(receiver, probePatch(revision, revision));
      const since = performance.now();
      if (answer.status !== 200) {
        throw new Error(
          `delivery of revision ${revision}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`,
        );
      }
      const others = apps.filter((app) => app !== receiver);
      const times = await Promise.all(
        others.map((app) =>
          convergence(app, revision, since, settings.probeTickMs, settings.convergenceTimeoutMs),
        ),
      );
      const slowest = Math.max(...times.map((time) => time ?? Infinity));
      log(
        `revision ${revision} from ${receiver.url}: every other instance in ${slowest.toFixed(1)} ms`,
      );
      for (const [index, time] of times.entries()) {
        if (time === undefined) {
          notConverged++;
          log(`revision ${revision}: ${others[index].url} did not serve it within the timeout`);
        } else {
          delays.push(time);
        }
      }
      // Deliveries arrive at random points of the polling cycle, as real ones do.
      await sleep(Math.random() * POLL_INTERVAL_MS);
    }
    await sleep(STATISTICS_DELAY_MS);
    const deliveriesEnd = await stats.statements();
    const deliverySeconds = (performance.now() - deliveriesFrom) / 1000;
    const deliveryStatements = deliveriesEnd - idleEnd;
    const perChangePerInstance =
      (deliveryStatements - idlePerInstance * instances * deliverySeconds) /
      (settings.deliveries * instances);

    // The value itself, over GET /, once at the end (evaluating counts usage, so not before).
    const finals = await Promise.all(apps.map((app) => served(app)));
    const wrongFinalValue = finals.filter((body) => body.flags.probe?.value !== revision).length;

    return {
      setup: setup.id,
      name: setup.name,
      instances,
      databaseVersion: stats.version,
      startupSeconds,
      idleSeconds,
      idleStatements,
      idlePerInstance,
      databaseConnections: sampled(databaseSamples, instances),
      connectionsOpenedPerMinute,
      ...(redis ? { redisConnections: sampled(redisSamples, instances) } : {}),
      deliveries: settings.deliveries,
      pairs: settings.deliveries * (instances - 1),
      notConverged,
      deliveryStatements,
      deliverySeconds,
      perChangePerInstance,
      p50: percentile(delays, 50),
      p99: percentile(delays, 99),
      max: Math.max(...delays),
      loadAfterIdle,
      wrongFinalValue,
      targetP99Ms: setup.targetP99Ms,
      ...(setup.targetIdle === undefined ? {} : { targetIdle: setup.targetIdle }),
    };
  } finally {
    await Promise.all(started.map((app) => app.stop()));
    await statistics?.close();
    await database.drop();
  }
}
