/*
 * Fleet benchmark: what N instances on one database cost it when idle and per change, what
 * they hold open, and how fast a change reaches every one of them, with each way of hearing of
 * changes (PostgreSQL LISTEN, Redis pub/sub, polling alone).
 *
 *   npm run bench:fleet [-- --instances 3,20] [--setups postgres-listen,mariadb-polling]
 *                        [--idle-seconds 60] [--deliveries 15] [--write-readme]
 *   npm run bench:fleet -- --report-only [--write-readme]   # the last run's tables again
 *
 * Needs the PostgreSQL and MariaDB test servers, and Redis for the Redis setups (127.0.0.1:6379,
 * or FLAGS_TEST_REDIS_URL).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildExampleApp } from '../test/support/app-cluster';
import { enableUserStatistics } from './fleet/database-statistics';
import { markdown, resultsTable, splitLines, targetLines } from './fleet/fleet-report';
import {
  type FleetResult,
  type FleetSettings,
  POLL_INTERVAL_MS,
  type Setup,
  measureFleet,
} from './fleet/measure-fleet';
import { REDIS_URL, type RedisServer, openRedisServer } from './fleet/redis-server';

const CHANNEL_TARGET_P99_MS = 100;
const CHANNEL_TARGET_IDLE = 0.1;

const SETUPS: Setup[] = [
  {
    id: 'postgres-listen',
    name: 'PostgreSQL + LISTEN',
    kind: 'postgres',
    redis: false,
    env: {},
    targetP99Ms: CHANNEL_TARGET_P99_MS,
    targetIdle: CHANNEL_TARGET_IDLE,
  },
  {
    id: 'postgres-redis',
    name: 'PostgreSQL + Redis',
    kind: 'postgres',
    redis: true,
    env: { REDIS_URL },
    targetP99Ms: CHANNEL_TARGET_P99_MS,
    targetIdle: CHANNEL_TARGET_IDLE,
  },
  {
    id: 'mariadb-redis',
    name: 'MariaDB + Redis',
    kind: 'mariadb',
    redis: true,
    env: { REDIS_URL },
    targetP99Ms: CHANNEL_TARGET_P99_MS,
    targetIdle: CHANNEL_TARGET_IDLE,
  },
  {
    id: 'mariadb-polling',
    name: 'MariaDB, polling 500 ms',
    kind: 'mariadb',
    redis: false,
    env: {},
    targetP99Ms: POLL_INTERVAL_MS + 100,
  },
];

function option(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index < 0 ? undefined : process.argv[index + 1];
}

function numberOption(name: string, fallback: number): number {
  const text = option(name);
  const value = text === undefined ? fallback : Number(text);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a number`);
  return value;
}

function listOption(name: string, fallback: string): string[] {
  return (option(name) ?? fallback).split(',').map((item) => item.trim());
}

/** The line above the table: when, on what (bench/environment.js), and which servers. */
function machineLine(servers: string[]): string {
  const { describe } = require('./environment') as {
    describe(subjects: unknown[]): {
      node: string;
      platform: string;
      cpu: string;
      cores: number;
      memoryGiB: number;
      packages: Record<string, string>;
    };
  };
  const env = describe([]);
  // Its build hash is dist/lib's; the instances run the example app's own compilation.
  const version = env.packages['nestjs-hybrid-flags'].replace(/, build [^)]*/, '');
  return (
    `Measured ${new Date().toISOString().slice(0, 10)} with Node ${env.node} on ${env.platform}, ` +
    `${env.cpu}, ${env.cores} cores, ${env.memoryGiB} GiB; ${servers.join(', ')}; ` +
    `nestjs-hybrid-flags ${version}.`
  );
}

interface Run {
  settings: Omit<FleetSettings, 'deliveries'>;
  minutes: number;
  machine: string;
  results: FleetResult[];
}

const RESULTS_FILE = join(__dirname, 'results', 'fleet.json');

async function measure(): Promise<Run> {
  const begun = performance.now();
  const sizes = listOption('instances', '3,20').map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 2)) {
    throw new Error('--instances takes fleet sizes of at least 2, e.g. 3,20');
  }
  const ids = listOption('setups', SETUPS.map((s) => s.id).join(','));
  const setups = ids.map((id) => {
    const setup = SETUPS.find((s) => s.id === id);
    if (!setup) throw new Error(`--setups: no setup ${id} (${SETUPS.map((s) => s.id).join(', ')})`);
    return setup;
  });
  const settings: Omit<FleetSettings, 'deliveries'> = {
    idleSeconds: numberOption('idle-seconds', 60),
    settleSeconds: numberOption('settle-seconds', 10),
    probeTickMs: numberOption('probe-ms', 10),
    convergenceTimeoutMs: numberOption('timeout-ms', 5000),
    startConcurrency: numberOption('concurrency', 2),
  };
  const deliveriesFor = (instances: number) => numberOption('deliveries', instances <= 5 ? 30 : 15);

  let redis: RedisServer | undefined;
  if (setups.some((setup) => setup.redis)) redis = await openRedisServer();
  buildExampleApp();
  const restoreUserStatistics = setups.some((setup) => setup.kind === 'mariadb')
    ? await enableUserStatistics()
    : undefined;
  const results: FleetResult[] = [];
  try {
    for (const setup of setups) {
      for (const instances of sizes) {
        const deliveries = deliveriesFor(instances);
        process.stdout.write(`${setup.name}, ${instances} instances, ${deliveries} deliveries\n`);
        const result = await measureFleet(
          setup,
          instances,
          { ...settings, deliveries },
          setup.redis ? redis : undefined,
        );
        results.push(result);
        process.stdout.write(`  ${JSON.stringify(result)}\n`);
      }
    }
  } finally {
    await restoreUserStatistics?.();
    await redis?.close();
  }
  const servers = [...new Set(results.map((r) => r.databaseVersion))];
  if (redis) servers.push(`Redis ${redis.version}`);
  const run = {
    settings,
    minutes: (performance.now() - begun) / 60_000,
    machine: machineLine(servers),
    results,
  };
  mkdirSync(dirname(RESULTS_FILE), { recursive: true });
  writeFileSync(RESULTS_FILE, `${JSON.stringify(run, null, 2)}\n`);
  return run;
}

async function main(): Promise<void> {
  const run = process.argv.includes('--report-only')
    ? (JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as Run)
    : await measure();
  const { settings, minutes, machine, results } = run;
  process.stdout.write(
    `\n${resultsTable(results)}\n\n${[...splitLines(results), ...targetLines(results)].join('\n')}\n`,
  );
  process.stdout.write(`\nTotal: ${minutes.toFixed(1)} minutes.\n`);
  if (process.argv.includes('--write-readme')) {
    const { writeBlock } = require('./readme') as {
      writeBlock(name: string, text: string): Promise<void>;
    };
    await writeBlock('bench:fleet', markdown(results, settings, machine, minutes));
  }
}

void main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
