import {
  type AppProcess,
  type ClusterDatabase,
  buildExampleApp,
  createClusterDatabase,
  deliver,
  health,
  probePatch,
  served,
  startExampleApp,
  waitForProbe,
  evaluationLoad,
} from '../support/app-cluster';
import { TcpProxy } from '../support/tcp-proxy';
import { sleep, until } from '../support/until';

/*
 * PostgreSQL behind a TCP proxy the test cuts, with three instances under a load of
 * evaluations, and a fourth started during the outage.
 */
describe('a database outage', () => {
  let database: ClusterDatabase;
  let proxy: TcpProxy;
  /** DATABASE_URL through the proxy. */
  let proxied: string;
  const apps: AppProcess[] = [];

  beforeAll(async () => {
    buildExampleApp();
    database = await createClusterDatabase('postgres');
    proxy = new TcpProxy(5432);
    const port = await proxy.listen();
    const url = new URL(database.url);
    url.port = String(port);
    proxied = url.toString();
    for (let i = 0; i < 3; i++) apps.push(await startExampleApp({ DATABASE_URL: proxied }));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    await proxy?.close();
    await database?.drop();
  }, 60_000);

  it('keeps every evaluation answering, refuses deliveries with 503, and converges after', async () => {
    const load = evaluationLoad(apps);
    let applied = 2;
    expect((await deliver(apps[0], probePatch(2, 2))).status).toBe(200);
    await Promise.all(apps.map((app) => waitForProbe(app, 2, performance.now())));

    proxy.cut();
    await until(
      async () =>
        (await Promise.all(apps.map(health))).every((flags) => flags.status === 'degraded'),
      5000,
      50,
    );
    for (const app of apps) {
      expect(await health(app)).toMatchObject({
        status: 'degraded',
        revision: 2,
        source: 'store',
        storeReachable: false,
      });
    }
    const answers: number[] = [];
    for (let i = 0; i < 6; i++) {
      const answer = await deliver(apps[i % 3], probePatch(applied + 1, 100 + i));
      answers.push(answer.status);
      if (answer.status === 200) applied++;
      if (answer.status === 503) expect(answer.body.error).toBe('store_unavailable');
    }
    expect(answers.every((status) => status === 503)).toBe(true);

    // An instance started during the outage serves the bootstrap flags, degraded.
    const late = await startExampleApp({ DATABASE_URL: proxied });
    apps.push(late);
    expect(await health(late)).toMatchObject({ status: 'degraded', source: 'bootstrap' });
    expect((await served(late)).flags.probe).toBeUndefined();
    await sleep(1000);

    proxy.restore();
    // The control plane retries what the outage refused, with a new token each time.
    let answer = await deliver(apps[1], probePatch(applied + 1, 999));
    for (let attempt = 0; answer.status === 503 && attempt < 50; attempt++) {
      await sleep(200);
      answer = await deliver(apps[1], probePatch(applied + 1, 999));
    }
    expect(answer).toMatchObject({ status: 200, body: { status: 'applied' } });
    applied++;
    await Promise.all(apps.map((app) => waitForProbe(app, 999, performance.now(), 10_000)));
    await until(
      async () => (await Promise.all(apps.map(health))).every((flags) => flags.status === 'up'),
      10_000,
      50,
    );
    for (const app of apps) {
      expect(await health(app)).toMatchObject({ revision: applied, source: 'store' });
    }

    const { sent, failures } = await load.stop();
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThan(100);
  }, 90_000);
});
