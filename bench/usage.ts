/*
 * Usage benchmark: what counting evaluations (the `usage` option, on by default) costs
 * `FlagService`, as evaluations per second with counting on over the same with it off.
 *
 *   npm run bench:usage [-- --processes 4] [--rounds 10] [--round-ms 300] [--warmup-ms 1000]
 *                       [--write-readme]
 *
 * Each process (bench/usage/child.ts) runs both sides, two FlagsModule application contexts,
 * and measures them in alternation, round after round, so both share the machine's state of the
 * moment: separate processes differ by several percent from one run to the next, more than
 * counting costs. Every process evaluates the four scenarios of the engine benchmark
 * (bench/README.md) over the same 10,000 users, and the counting side flushes its counts every
 * second into an in-memory store while it runs. The ratio per scenario is the median, over every
 * round of every process, of the round's on / off ratio.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

const TARGET_RATIO = 0.95;
const SCENARIO_TITLES: Record<string, string> = {
  A: 'boolean flag on, no rules',
  B: 'country in [US, CA] and plan == premium',
  C: '10% rollout of a boolean',
  D: '3 variants 33/33/34 + plan == internal -> b',
};

type Mode = 'on' | 'off';

interface ChildResult {
  results: Record<Mode, Record<string, number[]>>;
  evaluations: Record<Mode, number>;
  stored: Record<Mode, number>;
}

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index < 0 ? fallback : Number(process.argv[index + 1]);
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

function runChild(rounds: number, roundMs: number, warmupMs: number): ChildResult {
  const output = execFileSync(
    process.execPath,
    [
      '-r',
      'ts-node/register/transpile-only',
      join(__dirname, 'usage', 'child.ts'),
      String(rounds),
      String(roundMs),
      String(warmupMs),
    ],
    { cwd: join(__dirname, '..'), env: { ...process.env, NODE_ENV: 'production' } },
  ).toString();
  const result = JSON.parse(output.trim().split('\n').pop() as string) as ChildResult;
  // The sanity check: counting on stores every evaluation made, counting off stores none.
  if (result.stored.on !== result.evaluations.on || result.stored.off !== 0) {
    throw new Error(
      `stored ${result.stored.on} of ${result.evaluations.on} evaluations with usage on, ` +
        `${result.stored.off} with usage off (expected all, and none)`,
    );
  }
  return result;
}

async function main(): Promise<void> {
  const processes = option('processes', 4);
  const rounds = option('rounds', 10);
  const roundMs = option('round-ms', 300);
  const warmupMs = option('warmup-ms', 1000);
  const ratios: Record<string, number[]> = {};
  const speeds: Record<Mode, Record<string, number[]>> = { on: {}, off: {} };
  for (let run = 0; run < processes; run++) {
    process.stdout.write(`process ${run + 1}/${processes}...\n`);
    const { results } = runChild(rounds, roundMs, warmupMs);
    for (const id of Object.keys(results.on)) {
      results.on[id].forEach((on, round) => (ratios[id] ??= []).push(on / results.off[id][round]));
      for (const mode of ['on', 'off'] as const)
        (speeds[mode][id] ??= []).push(...results[mode][id]);
    }
  }
  const rows = Object.keys(SCENARIO_TITLES).map((id) => ({
    id,
    on: median(speeds.on[id]),
    off: median(speeds.off[id]),
    ratio: median(ratios[id]),
    low: Math.min(...ratios[id]),
    high: Math.max(...ratios[id]),
  }));
  const millions = (value: number) => `${(value / 1e6).toFixed(2)} M/s`;
  const text = [
    `${processes} processes × ${rounds} rounds of ${roundMs} ms per side and scenario, ` +
      `Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}. ` +
      `Target: counting on keeps ≥ ${TARGET_RATIO * 100}% of the throughput.`,
    '',
    '| Scenario | usage off | usage on | on / off (median) | per-round range |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (row) =>
        `| ${row.id}: ${SCENARIO_TITLES[row.id]} | ${millions(row.off)} | ${millions(row.on)} | ` +
        `**${row.ratio.toFixed(3)}** | ${row.low.toFixed(3)}–${row.high.toFixed(3)} |`,
    ),
  ].join('\n');
  mkdirSync(join(__dirname, 'results'), { recursive: true });
  writeFileSync(
    join(__dirname, 'results', 'usage.json'),
    `${JSON.stringify({ processes, rounds, roundMs, warmupMs, speeds, ratios, rows }, null, 2)}\n`,
  );
  process.stdout.write(`\n${text}\n`);
  if (process.argv.includes('--write-readme')) {
    const { writeBlock } = require('./readme') as {
      writeBlock(name: string, text: string): Promise<void>;
    };
    await writeBlock('bench:usage', text);
  }
  const missed = rows.filter((row) => row.ratio < TARGET_RATIO);
  if (missed.length > 0) {
    process.stdout.write(`\nTarget missed on ${missed.map((row) => row.id).join(', ')}.\n`);
  }
}

void main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
