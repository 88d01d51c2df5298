/*
 * Propagation benchmark: how long after a delivery's 200 every other instance serves the change,
 * what freshness costs the database, and whether reloads slow evaluations down.
 *
 *   npm run bench:propagation [-- --deliveries 100] [--write-readme]
 *
 * Three example-app processes per database (as replicas), deliveries sent to each in turn; each
 * other instance is polled over HTTP every ~2 ms until it serves the new value.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import {
  type AppProcess,
  type ClusterDatabase,
  buildExampleApp,
  createClusterDatabase,
  deliver,
  probePatch,
  startExampleApp,
  waitForProbe,
} from '../test/support/app-cluster';
import { measureReloadCost, type ReloadCost } from './propagation/reload-cost';

const POLL_INTERVAL_MS = 500;
const TARGET_POSTGRES_P99_MS = 100;
const TARGET_POLLING_P99_MS = POLL_INTERVAL_MS + 100;

interface Setup {
  name: string;
  kind: 'postgres' | 'mariadb' | 'sqlite';
  database?: ClusterDatabase;
  env: Record<string, string>;
  target: number;
}

interface Result {
  name: string;
  deliveries: number;
  p50: number;
  p99: number;
  max: number;
  target: number;
  /** Statements per second one idle instance sends to keep fresh. */
  idleQueriesPerSecond?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index < 0 ? fallback : Number(process.argv[index + 1]);
}

/** Statements the instances have run on their database so far, from the server's statistics. */
async function statementCount(setup: Setup, admin: DataSource): Promise<number> {
  if (setup.kind === 'postgres') {
    const [row] = await admin.query(
      'SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = $1',
      [setup.database?.name],
    );
    return Number(row.n);
  }
  const [row] = await admin.query(
    'SELECT SELECT_COMMANDS + UPDATE_COMMANDS + OTHER_COMMANDS AS n ' +
      'FROM information_schema.USER_STATISTICS WHERE USER = ?',
    [setup.database?.name],
  );
  return Number(row?.n ?? 0);
}

/** What staying fresh costs the database: statements per second per idle instance. */
async function idleQueriesPerSecond(setup: Setup, instances: number): Promise<number | undefined> {
  if (setup.kind === 'sqlite') return undefined;
  const admin = await new DataSource(
    setup.kind === 'postgres'
      ? { type: 'postgres', url: 'postgres://postgres@127.0.0.1:5432/test' }
      : { type: 'mariadb', url: 'mysql://root@127.0.0.1:3306/test' },
  ).initialize();
  try {
    const seconds = 10;
    const before = await statementCount(setup, admin);
    await sleep(seconds * 1000);
    const after = await statementCount(setup, admin);
    return (after - before) / seconds / instances;
  } finally {
    await admin.destroy();
  }
}

/** MariaDB counts statements per user only when asked (a server setting, off by default). */
async function enableUserStatistics(): Promise<void> {
  const admin = await new DataSource({
    type: 'mariadb',
    url: 'mysql://root@127.0.0.1:3306/test',
  }).initialize();
  await admin.query('SET GLOBAL userstat = 1');
  await admin.destroy();
}

async function measure(setup: Setup, deliveries: number): Promise<Result> {
  const apps: AppProcess[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      apps.push(
        await startExampleApp({ ...setup.env, FLAGS_POLL_INTERVAL_MS: String(POLL_INTERVAL_MS) }),
      );
    }
    const delays: number[] = [];
    for (let i = 0; i < deliveries; i++) {
      const revision = 2 + i;
      const receiver = apps[i % apps.length];
      const answer = await deliver(receiver, probePatch(revision, revision));
      const since = performance.now();
      if (answer.status !== 200) {
        throw new Error(
          `delivery ${revision}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`,
        );
      }
      const others = apps.filter((app) => app !== receiver);
      delays.push(...(await Promise.all(others.map((app) => waitForProbe(app, revision, since)))));
      // Deliveries arrive at random points of the polling cycle, as real ones do.
      await sleep(Math.random() * POLL_INTERVAL_MS);
    }
    const idle = await idleQueriesPerSecond(setup, apps.length);
    return {
      name: setup.name,
      deliveries,
      p50: percentile(delays, 50),
      p99: percentile(delays, 99),
      max: Math.max(...delays),
      target: setup.target,
      ...(idle === undefined ? {} : { idleQueriesPerSecond: idle }),
    };
  } finally {
    await Promise.all(apps.map((app) => app.stop()));
  }
}

function markdown(results: Result[], reload: ReloadCost): string {
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  const rows = results.map(
    (r) =>
      `| ${r.name} | ${r.deliveries} | ${ms(r.p50)} | ${ms(r.p99)} | ${ms(r.max)} | ≤ ${r.target} ms | ${r.p99 <= r.target ? 'met' : '**missed**'} | ${r.idleQueriesPerSecond === undefined ? 'n/a' : r.idleQueriesPerSecond.toFixed(1)} |`,
  );
  const notify = results.find((r) => r.name.startsWith('PostgreSQL, LISTEN'));
  const polled = results.find((r) => r.name.startsWith('PostgreSQL, polling'));
  const ratio =
    notify && polled
      ? `\n\nOn PostgreSQL, LISTEN/NOTIFY makes the p50 ${(polled.p50 / notify.p50).toFixed(0)}x and the p99 ${(polled.p99 / notify.p99).toFixed(0)}x shorter than polling alone.`
      : '';
  return [
    `Delay from a delivery's 200 to each of the two other instances serving it (3 instances, \`pollIntervalMs\` ${POLL_INTERVAL_MS}, measured by polling every ~2 ms over HTTP), and the statements per second one idle instance sends to stay fresh:`,
    '',
    '| database | deliveries | p50 | p99 | max | target (p99) | | idle statements/s per instance |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ]
    .join('\n')
    .concat(
      ratio,
      `\n\nEvaluation throughput while another process writes a change every ${reload.writeIntervalMs} ms and this instance reloads it (${reload.flags} flags; ${reload.rounds} alternating rounds of ${reload.roundMs} ms): ${(reload.busyPerSecond / 1e6).toFixed(2)} M/s against ${(reload.quietPerSecond / 1e6).toFixed(2)} M/s without changes, a ratio of **${reload.ratio.toFixed(3)}** (${reload.reloads} changes picked up).`,
    );
}

async function main(): Promise<void> {
  const deliveries = option('deliveries', 100);
  buildExampleApp();
  const databases: ClusterDatabase[] = [];
  const sqliteDir = mkdtempSync(join(tmpdir(), 'flags-propagation-'));
  const results: Result[] = [];
  try {
    const postgres = await createClusterDatabase('postgres');
    databases.push(postgres);
    const postgresPolled = await createClusterDatabase('postgres');
    databases.push(postgresPolled);
    const mariadb = await createClusterDatabase('mariadb');
    databases.push(mariadb);
    await enableUserStatistics();
    const setups: Setup[] = [
      {
        name: 'PostgreSQL, LISTEN/NOTIFY',
        kind: 'postgres',
        database: postgres,
        env: { DATABASE_URL: postgres.url },
        target: TARGET_POSTGRES_P99_MS,
      },
      {
        name: 'PostgreSQL, polling only',
        kind: 'postgres',
        database: postgresPolled,
        env: { DATABASE_URL: postgresPolled.url, FLAGS_LISTEN: 'false' },
        target: TARGET_POLLING_P99_MS,
      },
      {
        name: 'MariaDB, polling',
        kind: 'mariadb',
        database: mariadb,
        env: { DATABASE_URL: mariadb.url },
        target: TARGET_POLLING_P99_MS,
      },
      {
        name: 'SQLite (one file), polling',
        kind: 'sqlite',
        env: { SQLITE_FILE: join(sqliteDir, 'flags.sqlite') },
        target: TARGET_POLLING_P99_MS,
      },
    ];
    for (const setup of setups) {
      process.stdout.write(`${setup.name}: ${deliveries} deliveries...\n`);
      const result = await measure(setup, deliveries);
      results.push(result);
      process.stdout.write(`  ${JSON.stringify(result)}\n`);
    }
  } finally {
    await Promise.all(databases.map((database) => database.drop()));
    rmSync(sqliteDir, { recursive: true, force: true });
  }
  process.stdout.write('evaluation throughput while reloads run...\n');
  const reload = await measureReloadCost();
  const text = markdown(results, reload);
  process.stdout.write(`\n${text}\n`);
  if (process.argv.includes('--write-readme')) {
    const { writeBlock } = require('./readme') as {
      writeBlock(name: string, text: string): Promise<void>;
    };
    await writeBlock('bench:propagation', text);
  }
}

void main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
