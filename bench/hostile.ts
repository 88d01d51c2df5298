/*
 * Hostile-input benchmark: what requests without a key cost the application. The example app
 * (compiled, as `npm start` runs it, on SQLite) answers `GET /health` while four clients send it
 * 5 MB bodies without a valid token, back to back, for 20 seconds:
 *
 *   - deeply nested JSON arrays (`[[[[…]]]]`) to the webhook, as a signed body;
 *   - the same to the webhook as `application/json`, which the host's own parser sees first;
 *   - 5 MB of JSON compressed with brotli to a few dozen bytes, `Content-Encoding: br`;
 *   - the nested arrays to a route of the host that does not exist.
 *
 * It reports the latency of `GET /health` before and during the attack (p50, p99, max), the
 * application's CPU time and peak memory, and what the attack requests were answered.
 *
 *   npm run bench:hostile [-- --seconds 20] [--clients 4] [--main path/to/example-app/main.js]
 *
 * `--main` runs another build of the example app (another checkout's
 * `example-app/dist/example-app/src/main.js`), to compare versions side by side.
 */
import { request } from 'node:http';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync } from 'node:zlib';
import { type AppProcess, buildExampleApp, startExampleApp } from '../test/support/app-cluster';

const TARGET_P50_MS = 50;
const BODY_BYTES = 5 * 1024 * 1024;

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index < 0 ? fallback : process.argv[index + 1];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

interface Attack {
  name: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

function attacks(): Attack[] {
  const nested = Buffer.from(`${'['.repeat(BODY_BYTES / 2)}${']'.repeat(BODY_BYTES / 2)}`);
  const plain = Buffer.from(JSON.stringify({ kind: 'snapshot', pad: ' '.repeat(BODY_BYTES) }));
  const bomb = brotliCompressSync(plain);
  const bogus = { authorization: 'Bearer eyJhbGciOiJFUzI1NiJ9.eyJhdWQiOiJ4In0.c2ln' };
  return [
    {
      name: 'nested, signed media type',
      path: '/_flags/deliveries',
      headers: { ...bogus, 'content-type': 'application/vnd.hybrid-flags+json' },
      body: nested,
    },
    {
      name: 'nested, application/json',
      path: '/_flags/deliveries',
      headers: { ...bogus, 'content-type': 'application/json' },
      body: nested,
    },
    {
      name: `brotli, ${bomb.length} B -> 5 MB`,
      path: '/_flags/deliveries',
      headers: {
        ...bogus,
        'content-type': 'application/vnd.hybrid-flags+json',
        'content-encoding': 'br',
      },
      body: bomb,
    },
    {
      name: 'nested, a route of the host',
      path: '/no-such-route',
      headers: { 'content-type': 'application/json' },
      body: nested,
    },
  ];
}

/** Sends one attack request; resolves with its status, or the error that ended it. */
function send(url: URL, attack: Attack): Promise<string> {
  return new Promise((resolve) => {
    const outgoing = request(
      {
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: attack.path,
        headers: { ...attack.headers, 'content-length': String(attack.body.length) },
      },
      (incoming) => {
        incoming.resume();
        incoming.on('end', () => resolve(String(incoming.statusCode)));
        incoming.on('error', () => resolve(String(incoming.statusCode)));
      },
    );
    outgoing.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    outgoing.end(attack.body);
  });
}

/** GET /health over and over until `until`; the latency of each, in ms. */
async function probe(app: AppProcess, until: number): Promise<number[]> {
  const latencies: number[] = [];
  while (Date.now() < until) {
    const started = performance.now();
    await fetch(`${app.url}/health`).then((response) => response.arrayBuffer());
    latencies.push(performance.now() - started);
    await sleep(20);
  }
  return latencies.sort((a, b) => a - b);
}

/** The process's user + system CPU time in seconds, and its peak resident memory in MB. */
function usage(pid: number): { cpuSeconds: number; peakMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const ticks = Number(stat[11]) + Number(stat[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const peakKb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return { cpuSeconds: ticks / 100, peakMb: Math.round(peakKb / 1024) };
}

function row(name: string, latencies: number[]): string {
  const f = (ms: number) => ms.toFixed(1);
  return `| ${name} | ${latencies.length} | ${f(percentile(latencies, 50))} | ${f(percentile(latencies, 99))} | ${f(latencies.at(-1) ?? NaN)} |`;
}

async function main(): Promise<void> {
  const seconds = Number(option('seconds', '20'));
  const clients = Number(option('clients', '4'));
  const main = option('main', '');
  if (main === '') buildExampleApp();
  const directory = mkdtempSync(join(tmpdir(), 'hostile-'));
  const env = { SQLITE_FILE: join(directory, 'flags.sqlite'), NODE_ENV: 'development' };
  const app = await (main === '' ? startExampleApp(env) : startExampleApp(env, main));
  const pid = app.child.pid as number;
  try {
    const url = new URL(app.url);
    const quiet = await probe(app, Date.now() + 5_000);
    const before = usage(pid);
    const until = Date.now() + seconds * 1000;
    const answers = new Map<string, Map<string, number>>();
    const all = attacks();
    const workers = Array.from({ length: clients }, async (_, worker) => {
      for (let i = worker; Date.now() < until; i++) {
        const attack = all[i % all.length];
        const answer = await send(url, attack);
        const byAnswer = answers.get(attack.name) ?? new Map<string, number>();
        byAnswer.set(answer, (byAnswer.get(answer) ?? 0) + 1);
        answers.set(attack.name, byAnswer);
      }
    });
    const [attacked] = await Promise.all([probe(app, until), ...workers]);
    const after = usage(pid);

    console.log(`\n${clients} clients, ${seconds} s, 5 MB bodies without a valid token\n`);
    console.log('| GET /health | requests | p50 ms | p99 ms | max ms |');
    console.log('| --- | ---: | ---: | ---: | ---: |');
    console.log(row('quiet (5 s)', quiet));
    console.log(row(`under attack (${seconds} s)`, attacked));
    console.log(
      `\napplication CPU during the attack: ${(after.cpuSeconds - before.cpuSeconds).toFixed(1)} s over ${seconds} s; peak RSS ${after.peakMb} MB`,
    );
    console.log('\n| attack | answers |\n| --- | --- |');
    for (const [name, byAnswer] of answers) {
      const text = [...byAnswer].map(([answer, count]) => `${answer} × ${count}`).join(', ');
      console.log(`| ${name} | ${text} |`);
    }
    const p50 = percentile(attacked, 50);
    console.log(
      `\nTarget: GET /health p50 under attack at most ${TARGET_P50_MS} ms: ${p50 <= TARGET_P50_MS ? 'met' : 'MISSED'} (${p50.toFixed(1)} ms)`,
    );
  } finally {
    await app.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
