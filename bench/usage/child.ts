/*
 * One process of the usage benchmark (bench/usage.ts): two FlagsModule application contexts,
 * usage counting on and off, evaluating through FlagService in alternation. Prints one JSON
 * line: evaluations per second of every round, by side and scenario, and how many evaluations
 * each side made and stored.
 *
 *   ts-node --transpile-only bench/usage/child.ts <rounds> <round-ms> <warmup-ms>
 */
import 'reflect-metadata';
import { type INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FlagService, FlagsModule, InMemoryFlagStore } from '../../lib';
import { UsageRecorder } from '../../lib/usage/usage-recorder';
import { SCENARIOS, makeUsers, scenarios, userContext as context } from '../on-off';

type Mode = 'on' | 'off';

interface Side {
  app: INestApplicationContext;
  flags: FlagService;
  store: InMemoryFlagStore;
  evaluations: number;
}

async function side(mode: Mode): Promise<Side> {
  const store = new InMemoryFlagStore();

  @Module({
    imports: [
      FlagsModule.forRoot({
        store,
        seed: scenarios() as never,
        // Flushes run during the measurement, as they would in production (every 60 s there).
        usage: mode === 'on' ? { flushMs: 1000 } : false,
        metrics: false,
      }),
    ],
  })
  class BenchModule {}

  const app = await NestFactory.createApplicationContext(BenchModule, { logger: false });
  const flags = app.get(FlagService);
  await flags.ready;
  return { app, flags, store, evaluations: 0 };
}

async function main(): Promise<void> {
  const [rounds, roundMs, warmupMs] = process.argv.slice(2).map(Number);
  const sides: Record<Mode, Side> = { on: await side('on'), off: await side('off') };
  const contexts = makeUsers().map(context);
  let sink = 0;

  const run = (target: Side, key: string, type: 'boolean' | 'string', ms: number): number => {
    const { flags } = target;
    const deadline = performance.now() + ms;
    let evaluations = 0;
    while (performance.now() < deadline) {
      // A batch between clock reads, so reading the clock costs little.
      for (let i = 0; i < 1000; i++) {
        const ctx = contexts[(evaluations + i) % contexts.length];
        if (type === 'boolean') {
          if (flags.isEnabled(key, ctx)) sink++;
        } else {
          sink += flags.getString(key, 'a', ctx).length;
        }
      }
      evaluations += 1000;
    }
    target.evaluations += evaluations;
    return (evaluations * 1000) / ms;
  };

  const results: Record<Mode, Record<string, number[]>> = { on: {}, off: {} };
  for (const [id, { key, type }] of Object.entries(SCENARIOS)) {
    run(sides.off, key, type, warmupMs);
    run(sides.on, key, type, warmupMs);
    results.on[id] = [];
    results.off[id] = [];
    for (let round = 0; round < rounds; round++) {
      // Alternating which side goes first cancels any drift within a round.
      const order: Mode[] = round % 2 === 0 ? ['off', 'on'] : ['on', 'off'];
      for (const mode of order) results[mode][id].push(run(sides[mode], key, type, roundMs));
    }
  }
  const stored: Record<Mode, number> = { on: 0, off: 0 };
  for (const mode of ['on', 'off'] as const) {
    await sides[mode].app.get(UsageRecorder).flush();
    const rows = await sides[mode].store.usage('2000-01-01');
    stored[mode] = rows.reduce((total, row) => total + row.count, 0);
    await sides[mode].app.close();
  }
  const evaluations = { on: sides.on.evaluations, off: sides.off.evaluations };
  process.stdout.write(`${JSON.stringify({ results, evaluations, stored, sink })}\n`);
}

void main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
