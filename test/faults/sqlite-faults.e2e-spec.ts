import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource, type DataSourceOptions } from 'typeorm';
import {
  FlagService,
  FlagsHealthIndicator,
  FlagsModule,
  SIGNED_MEDIA_TYPE,
  TypeOrmFlagStore,
} from '../../lib';
import { sqliteTarget, type TestDatabase } from '../store/database-targets';
import { RecordingLogger } from '../support/recording-logger';
import { until } from '../support/until';
import { writeFlagSet } from '../support/write-flag-set';
import { AUDIENCE, PUBLIC_PEM, token } from '../webhook/signed-app';
import { BOUNDS, FLAGS, evaluationLoad, probePatch } from './fault-app';

/** Another process holding SQLite's exclusive lock on `file` until `release()`. */
async function lockFromAnotherProcess(file: string): Promise<{ release(): Promise<void> }> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '-e',
      "const db = new (require('better-sqlite3'))(process.argv[1]); db.exec('BEGIN EXCLUSIVE');" +
        "process.stdout.write('locked\\n'); process.stdin.once('data', () => { db.exec('COMMIT'); process.exit(0); });",
      file,
    ],
    { cwd: join(__dirname, '..', '..'), stdio: ['pipe', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve) => child.stdout?.once('data', () => resolve()));
  return {
    release: async () => {
      child.stdin?.write('\n');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

async function start(dataSource: DataSource) {
  const logger = new RecordingLogger();
  const moduleRef = await Test.createTestingModule({
    imports: [
      {
        module: class SqliteDataSourceModule {},
        global: true,
        providers: [{ provide: getDataSourceToken(), useValue: dataSource }],
        exports: [getDataSourceToken()],
      },
      FlagsModule.forRoot({
        store: { timeoutMs: BOUNDS.timeoutMs },
        sync: {
          pollIntervalMs: BOUNDS.pollIntervalMs,
          retryIntervalMs: BOUNDS.pollIntervalMs,
          loadTimeoutMs: BOUNDS.loadTimeoutMs,
        },
        usage: { flushMs: BOUNDS.flushMs },
        metrics: false,
        webhook: { audience: AUDIENCE, keys: [{ kid: 'cp', publicKey: PUBLIC_PEM }] },
      }),
    ],
  }).compile();
  const app: INestApplication = await moduleRef.createNestApplication({ logger }).init();
  const deliver = async (body: string) => {
    const started = performance.now();
    const response = await request(app.getHttpServer())
      .post('/_flags/deliveries')
      .set('content-type', SIGNED_MEDIA_TYPE)
      .set('authorization', `Bearer ${token(body)}`)
      .send(body);
    return { status: response.status, body: response.body, ms: performance.now() - started };
  };
  const health = () => app.get(FlagsHealthIndicator).check().flags;
  return { app, logger, flags: app.get(FlagService), deliver, health };
}

/**
 * SQLite's faults: a database file another process holds locked, and a database the application
 * may only read. The store never waits on SQLite's own busy timeout, which would hold the event
 * loop (and every evaluation) while it waits.
 */
describe('faults of a SQLite database', () => {
  let database: TestDatabase;
  let file: string;

  beforeEach(async () => {
    database = await sqliteTarget().create();
    await database.dataSource.runMigrations();
    await writeFlagSet(new TypeOrmFlagStore(database.dataSource), FLAGS);
    file = (database.dataSource.options as { database: string }).database;
  });

  afterEach(async () => {
    await database.drop();
  });

  it('answers 503 within the bound while another process holds the database, without holding the event loop', async () => {
    const { app, flags, deliver, health } = await start(database.dataSource);
    try {
      await until(() => health().status === 'up', 5000);
      const load = evaluationLoad(flags);
      const lock = await lockFromAnotherProcess(file);
      const refused = await deliver(probePatch(2, 5));
      expect(refused.status).toBe(503);
      expect(refused.ms).toBeLessThan(BOUNDS.timeoutMs + BOUNDS.slackMs);
      await until(() => health().status === 'degraded', BOUNDS.timeoutMs * 2 + BOUNDS.slackMs);
      await lock.release();
      await until(() => health().status === 'up', BOUNDS.timeoutMs + BOUNDS.slackMs);
      const applied = await deliver(probePatch(2, 7));
      expect(applied.status).toBe(200);
      expect(flags.getNumber('probe', 0)).toBe(7);
      const { failures, evaluations, maxDelayMs } = load.stop();
      expect(failures).toEqual([]);
      expect(evaluations).toBeGreaterThan(1000);
      // A busy wait inside SQLite would hold the loop for the whole timeout; a busy CI machine
      // alone has delayed it by 260 ms, so the bound sits between the two.
      expect(maxDelayMs).toBeLessThan(BOUNDS.timeoutMs / 2);
    } finally {
      await app.close();
    }
  }, 30_000);

  it('serves and reports while the database can only be read, refusing deliveries with 503', async () => {
    const readOnly = await new DataSource({
      ...database.dataSource.options,
      readonly: true,
    } as DataSourceOptions).initialize();
    const { app, flags, deliver, health, logger } = await start(readOnly);
    try {
      await until(() => health().status === 'up', 5000);
      const refused = await deliver(probePatch(2, 5));
      expect(refused).toMatchObject({ status: 503, body: { error: 'store_unavailable' } });
      expect(flags.isEnabled('beta')).toBe(true);
      // Usage cannot be stored: said once, kept in memory.
      await until(
        () =>
          logger
            .messages('warn')
            .some((message) => /Usage counts could not be stored/.test(message)),
        5000,
      );
      expect(health().status).toBe('up');
    } finally {
      await app.close();
      await readOnly.destroy();
    }
  }, 30_000);
});
