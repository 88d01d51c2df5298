import {
  type AppProcess,
  type ClusterDatabase,
  buildExampleApp,
  createClusterDatabase,
  signedGet,
  startExampleApp,
} from '../support/app-cluster';

interface FlagUsage {
  key: string;
  counts: Record<string, number>;
  unflushed: Record<string, number>;
}

const total = (counts: Record<string, number> = {}) =>
  Object.values(counts).reduce((sum, count) => sum + count, 0);

async function usageOf(app: AppProcess, key: string): Promise<FlagUsage | undefined> {
  const { status, body } = await signedGet(app, 'usage?days=7');
  expect(status).toBe(200);
  return (body.flags as FlagUsage[]).find((flag) => flag.key === key);
}

/** GET /checkout evaluates `checkout-flow` and `upload-limit-mb` once each. */
async function getCheckout(app: AppProcess, times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    const response = await fetch(`${app.url}/checkout`, { headers: { 'x-user-id': `user-${i}` } });
    expect(response.status).toBe(200);
  }
}

/*
 * Example-app processes as replicas on one database: each counts the evaluations it serves and
 * adds them to the usage table when it stops (SIGTERM); the counts add up across instances and
 * survive restarts.
 */
describe.each(['postgres', 'mariadb'] as const)('usage counts on %s', (kind) => {
  let database: ClusterDatabase;
  const apps: AppProcess[] = [];

  beforeAll(async () => {
    buildExampleApp();
    database = await createClusterDatabase(kind);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    await database?.drop();
  }, 60_000);

  const start = async () => {
    const app = await startExampleApp({ DATABASE_URL: database.url });
    apps.push(app);
    return app;
  };

  it('adds up the counts of every instance, across restarts', async () => {
    // One after the other: the first creates the tables and seeds the flags.
    const first = await start();
    const second = await start();
    await getCheckout(first, 7);
    await getCheckout(second, 4);
    expect(total((await usageOf(first, 'checkout-flow'))?.unflushed)).toBe(7);

    await Promise.all([first.stop(), second.stop()]);
    const third = await start();
    const afterRestart = await usageOf(third, 'checkout-flow');
    expect(total(afterRestart?.counts)).toBe(11);
    expect(afterRestart?.unflushed).toEqual({});

    await getCheckout(third, 2);
    await third.stop();
    const fourth = await start();
    expect(total((await usageOf(fourth, 'checkout-flow'))?.counts)).toBe(13);
  }, 120_000);
});
