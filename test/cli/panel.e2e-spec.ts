import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { main } from '../../lib/cli/main';
import { PanelBackend } from '../../lib/cli/panel/panel-backend';
import { type RunningPanel, startPanelServer } from '../../lib/cli/panel/panel-server';
import {
  type ListeningExampleApp,
  startListeningExampleApp,
} from '../example-app/example-app.fixture';
import { devClient } from '../support/panel-fixture';
import { until } from '../support/until';
import { captureIo } from './cli-io';

/** The panel's server and what it does, without a browser (test/browser has the page). */
describe('hybrid-flags ui: the panel server', () => {
  let example: ListeningExampleApp;
  let flagsUrl: string;
  let dir: string;
  let file: string;
  const panels: RunningPanel[] = [];

  beforeAll(async () => {
    example = await startListeningExampleApp();
    flagsUrl = `${example.url}/_flags`;
  });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'panel-'));
    file = join(dir, 'flags.json');
    copyFileSync(join(__dirname, '..', '..', 'example-app', 'flags.json'), file);
  });

  afterEach(async () => {
    await Promise.all(panels.splice(0).map((panel) => panel.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  afterAll(() => example.close());

  async function panelFor(url: string) {
    const panel = await startPanelServer(new PanelBackend(devClient(url), file), 0, 'the-token');
    panels.push(panel);
    const base = `http://127.0.0.1:${panel.port}`;
    const call = (method: string, path: string, body?: unknown, headers = {}) =>
      fetch(`${base}${path}`, {
        method,
        headers: { 'x-panel-token': 'the-token', 'content-type': 'application/json', ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    return { panel, base, call };
  }

  /** A panel answer's body, checked field by field by the tests. */
  const json = async (response: Response): Promise<any> => response.json();

  const definitionOf = (key: string) =>
    JSON.parse(readFileSync(join(__dirname, '..', '..', 'example-app', 'flags.json'), 'utf8'))
      .flags[key];

  it('listens on loopback and prints an address whose token is in the fragment', async () => {
    const { panel } = await panelFor(flagsUrl);
    expect(panel.url).toBe(`http://127.0.0.1:${panel.port}/#token=the-token`);
  });

  it('serves its page with a strict content security policy and no referrer', async () => {
    const { base } = await panelFor(flagsUrl);
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    const policy = page.headers.get('content-security-policy')!;
    expect(policy).toMatch(/default-src 'none'; script-src 'nonce-[\w+/=]+'/);
    expect(policy).toContain("frame-ancestors 'none'");
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await page.text();
    const nonce = /nonce-([\w+/=]+)/.exec(policy)![1];
    expect(html).toContain(`<script nonce="${nonce}">`);
  });

  it('refuses API calls without the token, from another host name, or not JSON', async () => {
    const { base, call } = await panelFor(flagsUrl);
    expect((await fetch(`${base}/api/overview`)).status).toBe(401);
    expect(
      (await call('GET', '/api/overview', undefined, { 'x-panel-token': 'wrong' })).status,
    ).toBe(401);
    const rebound = await request(base)
      .get('/api/overview')
      .set({ host: `attacker.example:${base.split(':')[2]}`, 'x-panel-token': 'the-token' });
    expect(rebound.status).toBe(421);
    const text = await call('POST', '/api/change', undefined, { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
  });

  it('refuses an invalid flag with the problems, writing and sending nothing', async () => {
    const { call } = await panelFor(flagsUrl);
    const before = readFileSync(file, 'utf8');
    const overview = await json(await call('GET', '/api/overview'));
    const revision = overview.app.definitions.revision;
    const answer = await call('POST', '/api/change', {
      baseRevision: revision,
      flags: {
        'beta-dashboard': { state: 'ENABLED', variants: { on: true }, defaultVariant: 'gone' },
      },
    });
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({
      error: 'invalid_flags',
      details: [expect.stringContaining('beta-dashboard')],
    });
    expect(readFileSync(file, 'utf8')).toBe(before);
    const after = await json(await call('GET', '/api/overview'));
    expect(after.app.definitions.revision).toBe(revision);
  });

  it('keeps the file editable while the application is down, and pushes it once it is back', async () => {
    const down = await panelFor('http://127.0.0.1:9/_flags');
    const overview = await json(await down.call('GET', '/api/overview'));
    expect(overview.app).toMatchObject({ reachable: false });
    expect(overview.file.document.flags['beta-dashboard'].state).toBe('ENABLED');
    const off = { ...definitionOf('beta-dashboard'), state: 'DISABLED' };
    const changed = await down.call('POST', '/api/change', {
      baseRevision: 0,
      flags: { 'beta-dashboard': off },
    });
    expect(changed.status).toBe(200);
    expect(await changed.json()).toMatchObject({ pushed: false });
    expect(JSON.parse(readFileSync(file, 'utf8')).flags['beta-dashboard'].state).toBe('DISABLED');

    const up = await panelFor(flagsUrl);
    const status = await json(await up.call('GET', '/api/overview'));
    expect(status.file.checksum).not.toBe(status.app.state.store.checksum);
    const pushed = await up.call('POST', '/api/push', {});
    expect(await pushed.json()).toMatchObject({ pushed: true, keys: ['beta-dashboard'] });
    const served = await request(example.app.getHttpServer()).get('/').set({ 'x-plan': 'premium' });
    expect(served.body.flags['beta-dashboard'].reason).toBe('DISABLED');
  });

  describe('the command', () => {
    const signing = [
      '--key',
      join(__dirname, '..', '..', 'example-app', 'keys', 'dev-private.pem'),
      '--kid',
      'es256',
      '--aud',
      'example-app',
    ];

    it('prints its address, answers whoever has the token, and stops when asked', async () => {
      const io = captureIo('', Math.floor(Date.now() / 1000));
      const running = main(['ui', '--url', flagsUrl, ...signing, '--file', file, '--no-open'], io);
      await until(() => io.out.includes('#token='), 10_000);
      const [origin, token] = /Control panel: (\S+)/.exec(io.out)![1].split('/#token=');
      const overview = await fetch(`${origin}/api/overview`, {
        headers: { 'x-panel-token': token },
      });
      expect(overview.status).toBe(200);
      const { app } = await json(overview);
      expect(app.reachable).toBe(true);
      const changed = await fetch(`${origin}/api/change`, {
        method: 'POST',
        headers: { 'x-panel-token': token, 'content-type': 'application/json' },
        body: JSON.stringify({
          baseRevision: app.definitions.revision,
          flags: {
            'upload-limit-mb': { ...definitionOf('upload-limit-mb'), defaultVariant: 'large' },
          },
        }),
      });
      expect(changed.status).toBe(200);
      // Without --sub, the change is written to the change log as the person at the terminal's.
      const log = await devClient(flagsUrl).get('audit?after=0&limit=1000');
      const entries = log.body.changes as Array<{ key: string; actor: string }>;
      expect(entries.filter((entry) => entry.key === 'upload-limit-mb').pop()?.actor).toBe(
        userInfo().username,
      );
      io.stop();
      await expect(running).resolves.toBe(0);
      await expect(fetch(`${origin}/`)).rejects.toThrow();
    });

    it.each([
      [['--port', 'http'], /--port must be a port number/],
      [['--file', 'no-such.json'], /cannot read no-such.json/],
      [['--no-open', '--url', 'ftp://x'], /--url must be http/],
    ])('refuses %j with a usage error', async (extra, message) => {
      const io = captureIo();
      const args = extra.includes('--url') ? extra : ['--url', flagsUrl, ...extra];
      expect(await main(['ui', ...signing, ...args], io)).toBe(2);
      expect(io.err).toMatch(message);
    });
  });
});
