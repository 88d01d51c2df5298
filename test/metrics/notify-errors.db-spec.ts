import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { FlagsModule } from '../../lib';
import { postgresTarget, type TestDatabase } from '../store/database-targets';
import { until } from '../support/until';

// Names this test's connections, so tests running beside it cannot be mistaken for it.
const APPLICATION = `flags-notify-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

/** The backend pids of this test's connections listening on the flags channel. */
async function listeners(dataSource: DataSource): Promise<number[]> {
  const rows: Array<{ pid: number }> = await dataSource.query(
    "SELECT pid FROM pg_stat_activity WHERE query = 'LISTEN feature_flag_change' AND application_name = $1",
    [APPLICATION],
  );
  return rows.map((row) => row.pid);
}

async function notifyErrors(registry: Registry): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find(
    ({ name }) => name === 'feature_flag_notify_errors_total',
  );
  return metric?.values[0]?.value ?? Number.NaN;
}

describe('feature_flag_notify_errors_total on PostgreSQL', () => {
  let database: TestDatabase;
  let admin: DataSource;
  let app: INestApplication | undefined;

  beforeEach(async () => {
    database = await postgresTarget().create({ applicationName: APPLICATION });
    await database.dataSource.runMigrations();
    admin = await database.open();
  });

  afterEach(async () => {
    await app?.close();
    await admin?.destroy();
    await database?.drop();
  });

  it('counts a LISTEN connection killed by the server, and listening resumes', async () => {
    const registry = new Registry();
    const moduleRef = await Test.createTestingModule({
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({}),
          dataSourceFactory: async () => database.dataSource,
        }),
        FlagsModule.forRoot({ metrics: { registry }, usage: false }),
      ],
    }).compile();
    app = await moduleRef.createNestApplication({ logger: false }).init();
    await until(async () => (await listeners(admin)).length === 1, 5000);
    expect(await notifyErrors(registry)).toBe(0);

    const [pid] = await listeners(admin);
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    await until(async () => (await notifyErrors(registry)) === 1, 5000);
    // Reconnected after about a second, on another backend.
    await until(async () => (await listeners(admin)).some((found) => found !== pid), 5000);
    expect(await notifyErrors(registry)).toBe(1);
  });
});
