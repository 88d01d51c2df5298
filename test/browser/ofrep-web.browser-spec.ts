import { build } from 'esbuild';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium';
import { deliverWithDevKey } from '../support/dev-token';
import {
  type ListeningExampleApp,
  startListeningExampleApp,
} from '../example-app/example-app.fixture';

/*
 * OpenFeature's web SDK and OFREP provider in a real browser (Debian's chromium, headless),
 * against the example app: the flags a page shows, the bulk cache it reads them from, the ETag
 * round trip of its polls, and a change pushed to the app reaching the page.
 */

interface OfrepExchange {
  path: string;
  status: number;
  ifNoneMatch?: string;
  etag?: string;
}

describe('OFREP in a browser, through @openfeature/ofrep-web-provider', () => {
  let browser: Browser;
  let example: ListeningExampleApp;
  let origin: string;
  let page: Page;
  const exchanges: OfrepExchange[] = [];

  beforeAll(async () => {
    const bundle = await build({
      entryPoints: [join(__dirname, 'ofrep-page.ts')],
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'es2020',
      write: false,
    });
    const html = `<!doctype html><html><body><pre id="flags"></pre><script>${bundle.outputFiles[0].text}</script></body></html>`;
    example = await startListeningExampleApp();
    origin = example.url;
    browser = await launchChromium();
    page = await browser.newPage();
    // The page comes from the application's origin, as an application's own front end would.
    await page.route(`${origin}/page.html`, (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: html }),
    );
    page.on('response', (response) => {
      const url = new URL(response.url());
      if (!url.pathname.startsWith('/ofrep/')) return;
      exchanges.push({
        path: url.pathname,
        status: response.status(),
        ifNoneMatch: response.request().headers()['if-none-match'],
        etag: response.headers()['etag'],
      });
    });
    await page.goto(`${origin}/page.html`);
    await page.waitForFunction(() => window.shown !== undefined, undefined, { timeout: 10_000 });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await example?.close();
  });

  const shown = () => page.evaluate(() => window.shown!);

  it('shows the flags the server evaluates, with its context over the page claims', async () => {
    expect(await shown()).toMatchObject({
      beta: false,
      flow: expect.stringMatching(/^(classic|express|one-page)$/),
      banner: false,
      uploadLimit: 1,
      uploadLimitError: 'FLAG_NOT_FOUND',
    });
  });

  it('reads every flag from one bulk evaluation, then revalidates it with its ETag', async () => {
    await page.waitForFunction(() => true);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(exchanges.length).toBeGreaterThanOrEqual(3);
    expect(new Set(exchanges.map((exchange) => exchange.path))).toEqual(
      new Set(['/ofrep/v1/evaluate/flags']),
    );
    const [first, ...polls] = exchanges;
    expect(first).toMatchObject({ status: 200, ifNoneMatch: undefined });
    expect(first.etag).toMatch(/^"[\w-]{27}"$/);
    expect(polls.every((poll) => poll.status === 304 && poll.ifNoneMatch === first.etag)).toBe(
      true,
    );
  });

  it('shows a change pushed to the application at its next poll', async () => {
    const pushedAt = Date.now();
    await deliverWithDevKey(example.app.getHttpServer(), {
      'beta-dashboard': {
        state: 'ENABLED',
        variants: { on: true, off: false },
        defaultVariant: 'on',
        metadata: { public: true },
      },
    }).expect(200);
    await page.waitForFunction(() => window.shown?.beta === true, undefined, { timeout: 5_000 });
    const tookMs = Date.now() - pushedAt;
    console.log(`browser: a pushed change shown after ${tookMs} ms (polling every 300 ms)`);
    expect((await shown()).changes).toBeGreaterThanOrEqual(1);
    const after = exchanges.filter((exchange) => exchange.status === 200);
    expect(after.length).toBeGreaterThanOrEqual(2);
    expect(after[after.length - 1].etag).not.toBe(after[0].etag);
  });
});
