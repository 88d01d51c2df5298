import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { FlagService, FlagsConfigurationError, FlagsModule } from '../../lib';
import { sqliteTypeOrm } from '../support/sqlite-typeorm';
import { BOOTSTRAP_FLAGS, STORE_FLAGS } from './flags-fixtures';

class RecordingLogger implements LoggerService {
  readonly errors: string[] = [];
  log(): void {}
  warn(): void {}
  debug(): void {}
  verbose(): void {}
  error(message: unknown): void {
    this.errors.push(String(message));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('FlagsModule on a TypeORM DataSource (SQLite)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'flags-module-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('logs missing tables once with the fix, serves the bootstrap flags, and recovers after migrating', async () => {
    const logger = new RecordingLogger();
    const moduleRef = await Test.createTestingModule({
      imports: [
        TypeOrmModule.forRoot(sqliteTypeOrm(dir)),
        FlagsModule.forRoot({
          bootstrap: BOOTSTRAP_FLAGS,
          sync: { loadTimeoutMs: 100, retryIntervalMs: 20 },
        }),
      ],
    }).compile();
    const app = moduleRef.createNestApplication({ logger });
    await app.init();
    const flags = app.get(FlagService);
    expect(flags.status()).toMatchObject({
      source: 'bootstrap',
      storeReachable: false,
      lastError: expect.stringMatching(/FLAG_MIGRATIONS/),
    });
    expect(flags.getString('theme', 'x')).toBe('light');
    await sleep(200);
    expect(logger.errors.filter((message) => /FLAG_MIGRATIONS/.test(message))).toHaveLength(1);

    await app.get<DataSource>(getDataSourceToken()).runMigrations();
    await flags.ready;
    expect(flags.status()).toMatchObject({ source: 'store', revision: 0, storeReachable: true });
    expect(flags.getString('theme', 'x')).toBe('x');
    await app.close();
  });

  it('uses a named DataSource', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        TypeOrmModule.forRoot(sqliteTypeOrm(dir, { name: 'flags', migrationsRun: true })),
        FlagsModule.forRoot({ dataSourceName: 'flags', seed: STORE_FLAGS }),
      ],
    }).compile();
    const app = await moduleRef.createNestApplication({ logger: false }).init();
    expect(app.get(FlagService).status()).toMatchObject({ source: 'store', revision: 1 });
    expect(app.get(FlagService).getString('theme', 'x')).toBe('dark');
    await app.close();
  });

  it('says how to fix a missing DataSource', async () => {
    const failure = Test.createTestingModule({ imports: [FlagsModule.forRoot({})] })
      .compile()
      .then((compiled) => compiled.createNestApplication({ logger: false }).init());
    await expect(failure).rejects.toThrow(FlagsConfigurationError);
    await expect(failure).rejects.toThrow(/TypeOrmModule\.forRoot\(\).*InMemoryFlagStore/);
  });
});
