import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FLAG_ENTITIES, FLAG_MIGRATIONS, FlagService, FlagsModule } from '../../lib';

/** Evaluation throughput with and without changes arriving, and their ratio. */
export interface ReloadCost {
  flags: number;
  rounds: number;
  roundMs: number;
  writeIntervalMs: number;
  quietPerSecond: number;
  busyPerSecond: number;
  /** busy / quiet: 1 means reloads cost evaluations nothing. */
  ratio: number;
  reloads: number;
}

const FLAGS = 1000;
const ROUNDS = 10;
const ROUND_MS = 1000;
const WRITE_INTERVAL_MS = 50;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];

/** 1,000 copies of the benchmark's scenario B: country in [US, CA] and plan == premium. */
function flagSet() {
  const { scenarios } = require('../flags/flagd') as {
    scenarios(): { flags: Record<string, unknown> };
  };
  const rule = scenarios().flags['scenario-b'];
  const flags: Record<string, unknown> = {};
  for (let i = 0; i < FLAGS; i++) flags[`flag-${i}`] = rule;
  return { flags };
}

/** Evaluations per second for `ms`, yielding to the event loop (and so to reloads) often. */
async function evaluationsPerSecond(flags: FlagService, ms: number): Promise<number> {
  const contexts = ['US', 'CA', 'GB', 'DE'].flatMap((country) =>
    ['free', 'premium'].map((plan) => ({ targetingKey: `${country}-${plan}`, country, plan })),
  );
  let count = 0;
  const started = performance.now();
  let sink = 0;
  while (performance.now() - started < ms) {
    for (let i = 0; i < 10_000; i++) {
      if (flags.isEnabled(`flag-${i % FLAGS}`, contexts[i & 7])) sink++;
    }
    count += 10_000;
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (sink < 0) throw new Error('unreachable');
  return (count * 1000) / (performance.now() - started);
}

/**
 * One instance (in this process) on a SQLite file, another process writing one-flag changes to
 * it: rounds with and without those writes alternate, and the medians are compared.
 */
export async function measureReloadCost(): Promise<ReloadCost> {
  const dir = mkdtempSync(join(tmpdir(), 'flags-reload-'));
  const file = join(dir, 'flags.sqlite');
  @Module({
    imports: [
      TypeOrmModule.forRoot({
        type: 'better-sqlite3',
        database: file,
        entities: [...FLAG_ENTITIES],
        migrations: [...FLAG_MIGRATIONS],
        migrationsRun: true,
      }),
      FlagsModule.forRoot({ seed: flagSet(), sync: { pollIntervalMs: 20 } }),
    ],
  })
  class ReloadModule {}
  const app = await NestFactory.createApplicationContext(ReloadModule, { logger: false });
  const flags = app.get(FlagService);
  const writer = fork(join(__dirname, 'reload-writer.ts'), [file, String(WRITE_INTERVAL_MS)], {
    execArgv: ['-r', 'ts-node/register/transpile-only'],
  });
  const next = () => new Promise<unknown>((resolve) => writer.once('message', resolve));
  try {
    await next();
    await evaluationsPerSecond(flags, 500); // warm-up
    const quiet: number[] = [];
    const busy: number[] = [];
    const startRevision = flags.revision;
    for (let round = 0; round < ROUNDS; round++) {
      quiet.push(await evaluationsPerSecond(flags, ROUND_MS));
      writer.send('start');
      busy.push(await evaluationsPerSecond(flags, ROUND_MS));
      writer.send('stop');
      await next();
    }
    const quietPerSecond = median(quiet);
    const busyPerSecond = median(busy);
    return {
      flags: FLAGS,
      rounds: ROUNDS,
      roundMs: ROUND_MS,
      writeIntervalMs: WRITE_INTERVAL_MS,
      quietPerSecond,
      busyPerSecond,
      ratio: busyPerSecond / quietPerSecond,
      reloads: flags.revision - startRevision,
    };
  } finally {
    writer.send('exit');
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
