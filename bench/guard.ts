/*
 * Guard benchmark: what `@FeatureFlag()` costs a route, in requests per second over HTTP.
 *
 *   npm run bench:guard [-- --rounds 12] [--round-s 4] [--warmup-s 8] [--connections 50]
 *                       [--adapters express,fastify] [--routes feature-flag,openfeature,...]
 *                       [--write-readme]
 *
 * One server process per HTTP adapter (bench/guard/server.ts, compiled with tsc): the example
 * app's `GET /beta` (`@FeatureFlag('beta-dashboard')`) against the same handler without the
 * decorator, and behind @openfeature/nestjs-sdk's `@RequireFlagsEnabled`, all in that one
 * process. autocannon runs here, in the parent: a warm-up per route, then rounds in which every
 * route is measured once, in an order that rotates from round to round.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const TARGET_RATIO = 0.97;
/** Below this share of a run on a CPU, the server was not what limited it. */
const MIN_SERVER_BUSY = 0.9;
/** Attempts at a round whose server was not kept busy. */
const MAX_ATTEMPTS = 3;

type Adapter = 'express' | 'fastify';

interface Route {
  /** Short name, for the console. */
  id: 'unguarded' | 'feature-flag' | 'openfeature' | 'openfeature-interceptor';
  path: string;
  /** What gates it, for the table. */
  gate: string;
  /** Whether a caller on the free plan is refused (404). */
  gated: boolean;
}

const ROUTES: readonly Route[] = [
  { id: 'unguarded', path: '/bench/unguarded', gate: 'none (baseline)', gated: false },
  { id: 'feature-flag', path: '/beta', gate: "`@FeatureFlag('beta-dashboard')`", gated: true },
  {
    id: 'openfeature',
    path: '/bench/openfeature',
    gate: '`@RequireFlagsEnabled`, its `contextFactory`',
    gated: true,
  },
  {
    id: 'openfeature-interceptor',
    path: '/bench/openfeature-interceptor',
    gate: '`@RequireFlagsEnabled` + `EvaluationContextInterceptor`',
    gated: true,
  },
];

/** Who calls: a premium user, for whom `beta-dashboard` is on (example-app/flags.json). */
const HEADERS = { 'x-user-id': 'ada', 'x-plan': 'premium', 'x-country': 'US' };

interface Options {
  rounds: number;
  roundSeconds: number;
  warmupSeconds: number;
  connections: number;
  adapters: Adapter[];
  /** The routes measured (the baseline always is). */
  routes: readonly Route[];
}

/** One autocannon run against one route. */
interface Sample {
  route: Route['id'];
  round: number;
  requestsPerSecond: number;
  latencyP50: number;
  latencyP99: number;
  /** Share of the run's time the server's main (JavaScript) thread was on a CPU. */
  serverCpu: number;
  /** Share of one core this process (autocannon, all threads) used during the run. */
  clientCpu: number;
}

interface RouteResult {
  route: Route;
  requestsPerSecond: number;
  /** Median over rounds of this route's requests/s divided by the baseline's in the same round. */
  ratio: number;
  roundRatios: number[];
  latencyP50: number;
  latencyP99: number;
  /** `uploadLimitMb` the handler's `@FlagValue` served to the premium caller (100 expected). */
  uploadLimitMb: number;
}

interface AdapterResult {
  adapter: Adapter;
  routes: RouteResult[];
  serverCpu: number;
  clientCpu: number;
  /** Rounds run again because the server was not kept busy. */
  repeated: number;
  samples: Sample[];
}

/** The parts of autocannon's (untyped) result this benchmark reads. */
interface AutocannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
  statusCodeStats: Record<string, { count: number }>;
  requests: { total: number };
  latency: { p50: number; p99: number };
}

type Autocannon = (options: {
  url: string;
  connections: number;
  pipelining: number;
  duration: number;
  headers: Record<string, string>;
}) => Promise<AutocannonResult>;

const autocannon = require('autocannon') as Autocannon;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  if (index < 0) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} needs a positive number`);
  return value;
}

function listOption(name: string): string[] | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index < 0 ? undefined : (process.argv[index + 1] ?? '').split(',');
}

function options(): Options {
  const adapters = listOption('adapters') ?? ['express', 'fastify'];
  for (const adapter of adapters) {
    if (adapter !== 'express' && adapter !== 'fastify') {
      throw new Error(`--adapters takes express and/or fastify, not "${adapter}"`);
    }
  }
  const ids = listOption('routes');
  for (const id of ids ?? []) {
    if (!ROUTES.some((route) => route.id === id)) {
      throw new Error(`--routes takes ${ROUTES.map((route) => route.id).join(', ')}, not "${id}"`);
    }
  }
  const opts: Options = {
    // The baseline is always measured: every ratio is to it.
    routes: ROUTES.filter((route) => route.id === 'unguarded' || !ids || ids.includes(route.id)),
    rounds: option('rounds', 12),
    roundSeconds: option('round-s', 4),
    warmupSeconds: option('warmup-s', 8),
    connections: option('connections', 50),
    adapters: adapters as Adapter[],
  };
  const complete = opts.routes.length === ROUTES.length && opts.adapters.length === 2;
  if (process.argv.includes('--write-readme') && (!complete || opts.rounds < 5)) {
    throw new Error('--write-readme needs every route, both adapters and at least 5 rounds');
  }
  return opts;
}

function installedVersion(name: string): string {
  const { installedVersion: read } = require('./environment') as {
    installedVersion(name: string): string;
  };
  return read(name);
}

/**
 * Compiles the server (with the example app and lib/ it imports) with tsc, into a temporary
 * folder that resolves packages, the flag file and the keys from the repository.
 */
function build(dir: string): string {
  const out = join(dir, 'out');
  const tsconfig = join(dir, 'tsconfig.json');
  writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: join(ROOT, 'tsconfig.json'),
      compilerOptions: {
        outDir: out,
        rootDir: ROOT,
        types: ['node'],
        typeRoots: [join(ROOT, 'node_modules', '@types')],
        sourceMap: false,
        declaration: false,
      },
      files: [join(ROOT, 'bench', 'guard', 'server.ts')],
      include: [],
    }),
  );
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', tsconfig], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  symlinkSync(join(ROOT, 'node_modules'), join(out, 'node_modules'), 'dir');
  // The example app finds its folder by its flags.json, and reads its webhook key there.
  mkdirSync(join(out, 'example-app'), { recursive: true });
  symlinkSync(join(ROOT, 'example-app', 'flags.json'), join(out, 'example-app', 'flags.json'));
  symlinkSync(join(ROOT, 'example-app', 'keys'), join(out, 'example-app', 'keys'), 'dir');
  return join(out, 'bench', 'guard', 'server.js');
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Server {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

async function startServer(script: string, adapter: Adapter, dir: string): Promise<Server> {
  const port = await freePort();
  let output = '';
  const child = spawn(process.execPath, [script], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HTTP_ADAPTER: adapter,
      SQLITE_FILE: join(dir, `flags-${adapter}.sqlite`),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const server: Server = {
    url: `http://127.0.0.1:${port}`,
    child,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
    },
  };
  const deadline = Date.now() + 60_000;
  while (!output.includes('listening')) {
    if (child.exitCode !== null) throw new Error(`${adapter} server exited:\n${output}`);
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`${adapter} server did not start in 60 s:\n${output}`);
    }
    await sleep(100);
  }
  return server;
}

/**
 * Every route answers the premium caller 200 with the handler's body, and the gated ones refuse
 * a free-plan caller: the gates really evaluate the flag. Returns each route's `uploadLimitMb`.
 */
async function checkRoutes(server: Server): Promise<Map<Route['id'], number>> {
  const limits = new Map<Route['id'], number>();
  for (const route of ROUTES) {
    const premium = await fetch(server.url + route.path, { headers: HEADERS });
    const body = (await premium.json()) as { dashboard?: string; uploadLimitMb?: number };
    if (premium.status !== 200 || body.dashboard !== 'beta') {
      throw new Error(`${route.path} answered ${premium.status} ${JSON.stringify(body)}`);
    }
    limits.set(route.id, body.uploadLimitMb ?? NaN);
    const free = await fetch(server.url + route.path, {
      headers: { ...HEADERS, 'x-plan': 'free' },
    });
    await free.arrayBuffer();
    const expected = route.gated ? 404 : 200;
    if (free.status !== expected) {
      throw new Error(`${route.path} answered a free-plan caller ${free.status}, not ${expected}`);
    }
  }
  return limits;
}

let clockTicks: number | undefined;

/** CPU seconds from a /proc stat line's utime and stime, or undefined off Linux. */
function procSeconds(file: string): number | undefined {
  try {
    clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK']).toString()) || 100;
    const stat = readFileSync(file, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    return undefined;
  }
}

interface CpuSnapshot {
  at: number;
  /** The server's main thread, where its JavaScript runs. */
  serverMain?: number;
  /** This process: autocannon. */
  client: number;
}

function cpuSnapshot(pid: number): CpuSnapshot {
  const { user, system } = process.cpuUsage();
  return {
    at: performance.now(),
    serverMain: procSeconds(`/proc/${pid}/task/${pid}/stat`),
    client: (user + system) / 1e6,
  };
}

/** Shares of one core over the interval: NaN where /proc is not there to read. */
function cpuShares(before: CpuSnapshot, after: CpuSnapshot) {
  const wall = (after.at - before.at) / 1000;
  const share = (a?: number, b?: number) =>
    a === undefined || b === undefined ? NaN : (b - a) / wall;
  return {
    serverMain: share(before.serverMain, after.serverMain),
    client: share(before.client, after.client),
  };
}

/** One autocannon run; throws unless every response was a 200. */
async function load(
  server: Server,
  route: Route,
  seconds: number,
  connections: number,
): Promise<{ result: AutocannonResult; cpu: ReturnType<typeof cpuShares> }> {
  const before = cpuSnapshot(server.child.pid ?? -1);
  const result = await autocannon({
    url: server.url + route.path,
    connections,
    pipelining: 1,
    duration: seconds,
    headers: HEADERS,
  });
  const cpu = cpuShares(before, cpuSnapshot(server.child.pid ?? -1));
  if (
    result.non2xx !== 0 ||
    result.errors !== 0 ||
    result.timeouts !== 0 ||
    result['2xx'] !== result.requests.total ||
    result.requests.total === 0
  ) {
    throw new Error(
      `${route.path}: not every response was a 200 (misconfigured benchmark): ` +
        JSON.stringify({
          total: result.requests.total,
          '2xx': result['2xx'],
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          statusCodes: result.statusCodeStats,
        }),
    );
  }
  return { result, cpu };
}

async function measure(script: string, adapter: Adapter, opts: Options, dir: string) {
  const server = await startServer(script, adapter, dir);
  try {
    const limits = await checkRoutes(server);
    for (const route of opts.routes) {
      process.stdout.write(`  warm-up ${route.path} (${opts.warmupSeconds} s)\n`);
      await load(server, route, opts.warmupSeconds, opts.connections);
    }
    const samples: Sample[] = [];
    let repeated = 0;
    for (let round = 0; round < opts.rounds; round++) {
      // Each round starts with another route, so that drift does not favour any of them.
      const order = opts.routes.map((_, i) => opts.routes[(i + round) % opts.routes.length]);
      for (let attempt = 1; ; attempt++) {
        const own: Sample[] = [];
        for (const route of order) {
          const { result, cpu } = await load(server, route, opts.roundSeconds, opts.connections);
          own.push({
            route: route.id,
            round,
            requestsPerSecond: result.requests.total / result.duration,
            latencyP50: result.latency.p50,
            latencyP99: result.latency.p99,
            serverCpu: cpu.serverMain,
            clientCpu: cpu.client,
          });
        }
        const line = own
          .map((s) => `${s.route} ${Math.round(s.requestsPerSecond)} (${percent(s.serverCpu)})`)
          .join(', ');
        process.stdout.write(`  round ${round + 1}/${opts.rounds}: ${line}\n`);
        // A server that was not kept busy was not what limited the run: something else on the
        // machine took the CPU from autocannon or from it. Such a round is run again.
        const contended = own.some((s) => s.serverCpu < MIN_SERVER_BUSY);
        if (!contended || attempt === MAX_ATTEMPTS) {
          if (contended) process.stdout.write('    still contended: kept\n');
          samples.push(...own);
          break;
        }
        repeated++;
        process.stdout.write(`    server busy < ${percent(MIN_SERVER_BUSY)}: round run again\n`);
      }
    }
    return summarize(adapter, opts.routes, samples, limits, repeated);
  } finally {
    await server.stop();
  }
}

function summarize(
  adapter: Adapter,
  measured: readonly Route[],
  samples: Sample[],
  limits: Map<Route['id'], number>,
  repeated: number,
): AdapterResult {
  const of = (id: Route['id']) => samples.filter((s) => s.route === id);
  const baseline = of('unguarded');
  const routes = measured.map((route): RouteResult => {
    const own = of(route.id);
    const roundRatios = own.map(
      (s) => s.requestsPerSecond / baseline.find((b) => b.round === s.round)!.requestsPerSecond,
    );
    return {
      route,
      requestsPerSecond: median(own.map((s) => s.requestsPerSecond)),
      ratio: median(roundRatios),
      roundRatios,
      latencyP50: median(own.map((s) => s.latencyP50)),
      latencyP99: median(own.map((s) => s.latencyP99)),
      uploadLimitMb: limits.get(route.id) ?? NaN,
    };
  });
  return {
    adapter,
    routes,
    serverCpu: median(samples.map((s) => s.serverCpu)),
    clientCpu: median(samples.map((s) => s.clientCpu)),
    repeated,
    samples,
  };
}

const ADAPTER_NAMES: Record<Adapter, string> = { express: 'Express', fastify: 'Fastify' };

const percent = (ratio: number) => `${(ratio * 100).toFixed(1)}%`;

function markdown(results: AdapterResult[], opts: Options): string {
  const number = (value: number) => Math.round(value).toLocaleString('en-US');
  const rows = results.flatMap((result) =>
    result.routes.map((r) => {
      const baseline = r.route.id === 'unguarded';
      const ratio = baseline ? '1' : r.ratio.toFixed(3);
      const range = baseline
        ? ''
        : `${Math.min(...r.roundRatios).toFixed(3)}–${Math.max(...r.roundRatios).toFixed(3)}`;
      return `| ${ADAPTER_NAMES[result.adapter]} | \`GET ${r.route.path}\` | ${r.route.gate} | ${number(r.requestsPerSecond)} | ${(1e6 / r.requestsPerSecond).toFixed(1)} µs | ${r.route.id === 'feature-flag' ? `**${ratio}**` : ratio} | ${range} | ${r.latencyP50} / ${r.latencyP99} ms |`;
    }),
  );
  const verdicts = results.map((result) => {
    const ratio = (id: Route['id']) => result.routes.find((r) => r.route.id === id)?.ratio;
    const parts: string[] = [];
    const guarded = ratio('feature-flag');
    if (guarded !== undefined) {
      const verdict =
        guarded >= TARGET_RATIO
          ? 'met'
          : `**missed**, by ${((TARGET_RATIO - guarded) * 100).toFixed(1)} points`;
      parts.push(
        `\`@FeatureFlag\` keeps **${percent(guarded)}** of the unguarded throughput (target ≥ ${TARGET_RATIO * 100}%: ${verdict})`,
      );
    }
    const openFeature = ratio('openfeature');
    if (openFeature !== undefined) {
      parts.push(`\`@RequireFlagsEnabled\` keeps ${percent(openFeature)}`);
    }
    const intercepted = ratio('openfeature-interceptor');
    if (intercepted !== undefined) {
      parts.push(`${percent(intercepted)} with the \`EvaluationContextInterceptor\``);
    }
    return `- ${ADAPTER_NAMES[result.adapter]}: ${parts.join('; ')}.`;
  });
  const busy = results
    .map(
      (result) =>
        `${ADAPTER_NAMES[result.adapter]} ${percent(result.serverCpu)} and ${percent(result.clientCpu)}`,
    )
    .join(', ');
  const repeated = results
    .map((result) => `${ADAPTER_NAMES[result.adapter]} ${result.repeated}`)
    .join(', ');
  // Routes whose handler's @FlagValue did not get the premium caller's 100: context lost.
  const lost = ROUTES.flatMap((route) => {
    const where = results.filter((result) =>
      result.routes.some((r) => r.route === route && r.uploadLimitMb !== 100),
    );
    if (where.length === 0) return [];
    const served = where.map(
      (result) => result.routes.find((r) => r.route === route)?.uploadLimitMb,
    );
    return [
      `On ${where.map((result) => ADAPTER_NAMES[result.adapter]).join(' and ')}, the \`@FlagValue('upload-limit-mb', 10)\` of \`GET ${route.path}\` served the premium caller ${[...new Set(served)].join(' or ')}, not 100 as on the other routes: the request's context was lost (see above).`,
    ];
  });
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return [
    `Requests per second through one Nest process per HTTP adapter, autocannon in another (${opts.connections} connections, pipelining 1): ${opts.warmupSeconds} s of warm-up per route, then ${opts.rounds} rounds of ${opts.roundSeconds} s per route, in an order rotating every round; every response checked to be a 200. Requests/s and latencies are medians over rounds (1 / (requests/s) is the server's time per request, its main thread being busy all along); "vs. unguarded" is the median of the per-round ratios to the baseline, with their range.`,
    '',
    '| adapter | route | gate | requests/s | 1 / (requests/s) | vs. unguarded | per-round range | latency p50 / p99 |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    ...verdicts,
    ...lost.flatMap((note) => ['', note]),
    '',
    `Median share of each run that the server's main thread spent on a CPU (near 100%: the server is the bottleneck), and CPU used by autocannon (of one core): ${busy}. Rounds with a run below ${percent(MIN_SERVER_BUSY)} (something else had the CPU) were run again: ${repeated}.`,
    '',
    `Node ${process.version}, ${cpu}, ${cpus().length} cores; NestJS ${installedVersion('@nestjs/core')}, Express ${installedVersion('express')}, Fastify ${installedVersion('fastify')}, @openfeature/nestjs-sdk ${installedVersion('@openfeature/nestjs-sdk')}, @openfeature/server-sdk ${installedVersion('@openfeature/server-sdk')}, autocannon ${installedVersion('autocannon')}.`,
  ].join('\n');
}

async function main(): Promise<void> {
  const opts = options();
  const dir = mkdtempSync(join(tmpdir(), 'flags-bench-guard-'));
  const results: AdapterResult[] = [];
  try {
    process.stdout.write('compiling the server with tsc...\n');
    const script = build(dir);
    for (const adapter of opts.adapters) {
      process.stdout.write(`${ADAPTER_NAMES[adapter]}:\n`);
      results.push(await measure(script, adapter, opts, dir));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  mkdirSync(join(__dirname, 'results'), { recursive: true });
  writeFileSync(
    join(__dirname, 'results', 'guard.json'),
    `${JSON.stringify({ options: opts, results }, null, 2)}\n`,
  );
  const text = markdown(results, opts);
  process.stdout.write(`\n${text}\n`);
  if (process.argv.includes('--write-readme')) {
    const { writeBlock } = require('./readme') as {
      writeBlock(name: string, text: string): Promise<void>;
    };
    await writeBlock('bench:guard', text);
  }
  const missed = results.filter((result) =>
    result.routes.some((r) => r.route.id === 'feature-flag' && r.ratio < TARGET_RATIO),
  );
  for (const result of missed) {
    process.stdout.write(
      `\nTarget missed on ${ADAPTER_NAMES[result.adapter]}: @FeatureFlag keeps less than ${percent(TARGET_RATIO)}.\n`,
    );
  }
}

void main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
