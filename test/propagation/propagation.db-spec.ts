import {
  type AppProcess,
  type ClusterDatabase,
  buildExampleApp,
  createClusterDatabase,
  deliver,
  probePatch,
  startExampleApp,
  waitForProbe,
} from '../support/app-cluster';

/*
 * Three example-app processes on one database, as replicas: a delivery reaches one of them,
 * and every one must serve it. PostgreSQL announces changes (LISTEN/NOTIFY); MariaDB relies on
 * polling. The delays are reported; their targets are measured by bench/propagation.ts.
 */
describe.each(['postgres', 'mariadb'] as const)('three instances on %s', (kind) => {
  let database: ClusterDatabase;
  const apps: AppProcess[] = [];

  beforeAll(async () => {
    buildExampleApp();
    database = await createClusterDatabase(kind);
    // One after the other: the first creates the tables and seeds the flags.
    for (let i = 0; i < 3; i++) apps.push(await startExampleApp({ DATABASE_URL: database.url }));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    await database?.drop();
  }, 60_000);

  it('serves a delivery sent to any one instance on every instance', async () => {
    const delays: number[] = [];
    for (let revision = 2; revision <= 7; revision++) {
      const receiver = apps[revision % apps.length];
      const answer = await deliver(receiver, probePatch(revision, revision));
      expect(answer).toEqual({
        status: 200,
        body: { status: 'applied', revision, changed: ['probe'] },
      });
      const since = performance.now();
      const others = apps.filter((app) => app !== receiver);
      delays.push(...(await Promise.all(others.map((app) => waitForProbe(app, revision, since)))));
    }
    process.stdout.write(
      `${kind}: propagation delays (ms) ${delays.map((delay) => delay.toFixed(0)).join(', ')}\n`,
    );
    expect(delays).toHaveLength(12);
  }, 60_000);
});
