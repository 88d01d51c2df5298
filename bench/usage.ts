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
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  OnOffRounds,
  SCENARIO_TITLES,
  type SideSpeeds,
  millions,
  option,
  runChild,
  runDescription,
} from './on-off';

const TARGET_RATIO = 0.95;

interface ChildResult {
  results: SideSpeeds;
  evaluations: Record<'on' | 'off', number>;
  stored: Record<'on' | 'off', number>;
}

function measure(rounds: number, roundMs: number, warmupMs: number): ChildResult {
  const result = runChild<ChildResult>('usage/child.ts', [rounds, roundMs, warmupMs]);
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
  const measured = new OnOffRounds();
  for (let run = 0; run < processes; run++) {
    process.stdout.write(`process ${run + 1}/${processes}...\n`);
    measured.add(measure(rounds, roundMs, warmupMs).results);
  }
  const rows = Object.keys(SCENARIO_TITLES).map((id) => measured.row(id));
  const text = [
    `${runDescription(processes, rounds, roundMs)} per side and scenario. ` +
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
    `${JSON.stringify({ processes, rounds, roundMs, warmupMs, ...measured, rows }, null, 2)}\n`,
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
