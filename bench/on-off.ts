/*
 * What the on/off benchmarks (bench/usage.ts, bench/telemetry.ts) share: their options, the
 * child process each measurement runs in, and how rounds measured on and off in alternation
 * become one table row per scenario.
 */
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { join } from 'node:path';

/** The scenarios of the engine benchmark, as the tables name them. */
export const SCENARIO_TITLES: Record<string, string> = {
  A: 'boolean flag on, no rules',
  B: 'country in [US, CA] and plan == premium',
  C: '10% rollout of a boolean',
  D: '3 variants 33/33/34 + plan == internal -> b',
};

/** The engine benchmark's flags and users (bench/flags, bench/workload), typed for the children. */
export const { scenarios, context: userContext } = require('./flags/flagd') as {
  scenarios(): { flags: Record<string, unknown> };
  context(user: unknown): Record<string, string>;
};
export const { makeUsers, SCENARIOS } = require('./workload') as {
  makeUsers(): unknown[];
  SCENARIOS: Record<string, { key: string; type: 'boolean' | 'string' }>;
};

/** Evaluations per second of every round, by side and scenario, as a child prints them. */
export type SideSpeeds = Record<'on' | 'off', Record<string, number[]>>;

/** A numeric command-line option, `--name value`. */
export function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index < 0 ? fallback : Number(process.argv[index + 1]);
}

/** The engine benchmark's median (bench/stats.js). */
export const { median } = require('./stats') as { median(values: number[]): number };

export const millions = (value: number) => `${(value / 1e6).toFixed(2)} M/s`;

/** The machine and the run, for the line above a table. */
export function runDescription(processes: number, rounds: number, roundMs: number): string {
  return (
    `${processes} processes × ${rounds} rounds of ${roundMs} ms, ` +
    `Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}`
  );
}

/** Runs a benchmark child (TypeScript, in production mode) and returns its last line, parsed. */
export function runChild<T>(script: string, args: Array<string | number>): T {
  const output = execFileSync(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', join(__dirname, script), ...args.map(String)],
    { cwd: join(__dirname, '..'), env: { ...process.env, NODE_ENV: 'production' } },
  ).toString();
  return JSON.parse(output.trim().split('\n').pop() as string) as T;
}

/** The rounds of every process of one comparison, on and off. */
export class OnOffRounds {
  readonly speeds: SideSpeeds = { on: {}, off: {} };
  /** Per round, on over off: the two were measured in alternation, in the same process. */
  readonly ratios: Record<string, number[]> = {};

  add(results: SideSpeeds): void {
    for (const id of Object.keys(results.on)) {
      results.on[id].forEach((on, round) =>
        (this.ratios[id] ??= []).push(on / results.off[id][round]),
      );
      for (const side of ['on', 'off'] as const) {
        (this.speeds[side][id] ??= []).push(...results[side][id]);
      }
    }
  }

  /** A scenario's medians, and the range of its per-round ratios. */
  row(id: string) {
    const ratios = this.ratios[id];
    return {
      id,
      on: median(this.speeds.on[id]),
      off: median(this.speeds.off[id]),
      ratio: median(ratios),
      low: Math.min(...ratios),
      high: Math.max(...ratios),
    };
  }
}
