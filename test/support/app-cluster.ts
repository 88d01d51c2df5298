import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { type AddressInfo, createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { DataSource } from 'typeorm';
import { SIGNED_MEDIA_TYPE } from '../../lib/webhook/webhook.constants';
import { devToken } from './dev-token';

/*
 * Real example-app processes on one database, as replicas behind a load balancer: for the
 * propagation and outage tests and the propagation benchmark.
 */

const ROOT = join(__dirname, '..', '..');
const MAIN = join(ROOT, 'example-app', 'dist', 'example-app', 'src', 'main.js');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let built = false;

/** Compiles the example app (what `npm start` runs), once per process. */
export function buildExampleApp(): void {
  if (built) return;
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'example-app'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  built = true;
}

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface AppProcess {
  url: string;
  child: ChildProcess;
  /** Everything the process wrote, for a failing test's message. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts the compiled example app with `env`, and waits until it answers GET /health. `main`
 * runs another build of it (a benchmark comparing two versions).
 */
export async function startExampleApp(
  env: Record<string, string>,
  main = MAIN,
): Promise<AppProcess> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnFreePort(env, main);
    } catch (error) {
      // Another process may take the free port between our check and the app's listen.
      if (attempt === 3 || !/EADDRINUSE/.test((error as Error).message)) throw error;
    }
  }
}

async function startOnFreePort(env: Record<string, string>, main: string): Promise<AppProcess> {
  const port = await freePort();
  const lines: string[] = [];
  const child = spawn(process.execPath, [main], {
    cwd: join(dirname(main), '..', '..', '..'),
    env: { ...process.env, NODE_ENV: 'test', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => lines.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => lines.push(chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const app: AppProcess = {
    url: `http://127.0.0.1:${port}`,
    child,
    output: () => lines.join(''),
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
    },
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the example app exited:\n${app.output()}`);
    try {
      const response = await fetch(`${app.url}/health`);
      if (response.status === 200) return app;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await app.stop();
      throw new Error(`the example app did not answer within 30 s:\n${app.output()}`);
    }
    await sleep(50);
  }
}

/** The revision and flags an instance serves (GET /). */
export async function served(
  app: AppProcess,
): Promise<{ revision: number; flags: Record<string, { value: unknown }> }> {
  const response = await fetch(`${app.url}/`, { headers: { 'x-user-id': 'probe' } });
  return (await response.json()) as { revision: number; flags: Record<string, { value: unknown }> };
}

/** GET /health's flags details. */
export async function health(app: AppProcess): Promise<Record<string, unknown>> {
  const response = await fetch(`${app.url}/health`);
  const body = (await response.json()) as { details: { flags: Record<string, unknown> } };
  return body.details.flags;
}

/** A patch setting the `probe` flag to `value`, as revision `revision`. */
export function probePatch(revision: number, value: number): string {
  return JSON.stringify({
    kind: 'patch',
    revision,
    baseRevision: revision - 1,
    upsert: { probe: { state: 'ENABLED', variants: { v: value }, defaultVariant: 'v' } },
  });
}

/** POSTs a delivery signed with the example app's development key. */
export async function deliver(
  app: AppProcess,
  body: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${app.url}/_flags/deliveries`, {
    method: 'POST',
    headers: { 'content-type': SIGNED_MEDIA_TYPE, authorization: `Bearer ${devToken(body)}` },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A signed GET of one of the `/_flags` read endpoints, e.g. `usage?days=7`. */
export async function signedGet(
  app: AppProcess,
  path: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${app.url}/_flags/${path}`, {
    headers: { authorization: `Bearer ${devToken('')}` },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Polls `app` until it serves `value` for the probe flag; returns the time it took, in ms. */
export async function waitForProbe(
  app: AppProcess,
  value: number,
  since: number,
  timeoutMs = 5000,
): Promise<number> {
  for (;;) {
    const { flags } = await served(app);
    if (flags.probe?.value === value) return performance.now() - since;
    if (performance.now() - since > timeoutMs) {
      throw new Error(
        `${app.url} still serves ${JSON.stringify(flags.probe)} after ${timeoutMs} ms`,
      );
    }
    await sleep(2);
  }
}

export interface ClusterDatabase {
  /** The database's name; on MariaDB also the name of the user the example app connects as. */
  name: string;
  /** DATABASE_URL for the example app. */
  url: string;
  drop(): Promise<void>;
}

/** An empty database of its own on the PostgreSQL or MariaDB test server. */
export async function createClusterDatabase(
  kind: 'postgres' | 'mariadb',
): Promise<ClusterDatabase> {
  const name = `flags_cluster_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const postgres = kind === 'postgres';
  const server = postgres
    ? new URL(process.env.FLAGS_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test')
    : new URL(process.env.FLAGS_TEST_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306/test');
  const admin = await new DataSource({
    type: postgres ? 'postgres' : 'mariadb',
    url: server.toString(),
  }).initialize();
  const quoted = postgres ? `"${name}"` : `\`${name}\``;
  await admin.query(`CREATE DATABASE ${quoted}`);
  const url = new URL(server.toString());
  url.pathname = `/${name}`;
  if (!postgres) {
    // A user of its own, so the server's per-user statistics show this database's load alone.
    await admin.query(`CREATE USER '${name}'@'127.0.0.1'`);
    await admin.query(`GRANT ALL ON ${quoted}.* TO '${name}'@'127.0.0.1'`);
    url.protocol = 'mariadb:';
    url.username = name;
  }
  return {
    name,
    url: url.toString(),
    drop: async () => {
      if (postgres) {
        await admin.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1',
          [name],
        );
      } else {
        await admin.query(`DROP USER '${name}'@'127.0.0.1'`);
      }
      await admin.query(`DROP DATABASE ${quoted}`);
      await admin.destroy();
    },
  };
}

/** Evaluations sent to the instances in a loop until stopped; counts what did not answer 200. */
export function evaluationLoad(apps: AppProcess[]) {
  let running = true;
  let sent = 0;
  const failures: string[] = [];
  const workers = apps.map(async (app) => {
    while (running) {
      sent++;
      try {
        const response = await fetch(`${app.url}/checkout`, { headers: { 'x-user-id': 'u1' } });
        if (response.status !== 200) failures.push(`${app.url}: HTTP ${response.status}`);
        await response.arrayBuffer();
      } catch (error) {
        failures.push(`${app.url}: ${(error as Error).message}`);
      }
    }
  });
  return {
    stop: async () => {
      running = false;
      await Promise.all(workers);
      return { sent, failures };
    },
  };
}
