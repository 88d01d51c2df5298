import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import {
  type ListeningExampleApp,
  startListeningExampleApp,
} from '../example-app/example-app.fixture';
import { launchChromium } from '../support/chromium';
import { deliverWithDevKey } from '../support/dev-token';
import { type PanelUnderTest, devClient, startPanel } from '../support/panel-fixture';

/*
 * `hybrid-flags ui` in a real browser (Debian's chromium, headless), against the example app:
 * what a person sees, explains and changes. The README's screenshots are taken here.
 */
const SCREENSHOTS = join(__dirname, '..', '..', 'docs', 'images');

describe('the control panel (hybrid-flags ui) in a browser', () => {
  let browser: Browser;
  let example: ListeningExampleApp;
  let flagsUrl: string;
  let panel: PanelUnderTest;
  let page: Page;

  beforeAll(async () => {
    example = await startListeningExampleApp();
    flagsUrl = `${example.url}/_flags`;
    panel = await startPanel(flagsUrl);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // The confirmation of a switch or a deletion, accepted as a person would.
    page.on('dialog', (dialog) => void dialog.accept());
    mkdirSync(SCREENSHOTS, { recursive: true });
  }, 60_000);

  beforeEach(async () => {
    await page.goto(panel.panel.url);
    await page.getByRole('heading', { name: 'beta-dashboard' }).waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await panel?.close();
    await example?.close();
  });

  /** What the example app serves `GET /` for a premium caller in the US. */
  const served = async () =>
    (
      await request(example.app.getHttpServer())
        .get('/')
        .set({ 'x-user-id': 'ada', 'x-plan': 'premium', 'x-country': 'US' })
    ).body as { revision: number; flags: Record<string, { value: unknown; reason: string }> };

  it('lists every flag of the application with its rules, rollout and metadata', async () => {
    const keys = Object.keys((await served()).flags).sort();
    expect(keys.length).toBe(5);
    const headings = await page.locator('#flags h3').allTextContents();
    expect(headings.sort()).toEqual(keys);
    const checkout = page.locator('#flag-checkout-flow');
    await expect(
      checkout.getByRole('list', { name: 'checkout-flow targeting' }).textContent(),
    ).resolves.toContain('if is-internal → "one-page"');
    await expect(checkout.locator('.bars').textContent()).resolves.toBe(
      'classic 34%express 33%one-page 33%',
    );
    await expect(page.locator('#status').textContent()).resolves.toMatch(
      /revision 1.*the application serves it/,
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'panel-flags.png') });
  });

  it('explains every flag for a context as /_flags/evaluate does', async () => {
    const context = { targetingKey: 'ada', plan: 'premium', country: 'US' };
    await page.getByLabel('Context (JSON): who is asking').fill(JSON.stringify(context));
    await page.getByRole('button', { name: 'Explain' }).click();
    await page.locator('#explained tr[data-flag]').first().waitFor();
    const answer = await devClient(flagsUrl).post('evaluate', { context });
    const results = answer.body.results as Record<
      string,
      { value: unknown; variant?: string; reason: string }
    >;
    for (const [key, result] of Object.entries(results)) {
      const cells = await page.locator(`#explained tr[data-flag="${key}"] td`).allTextContents();
      expect(cells).toEqual([JSON.stringify(result.value), result.variant ?? '', result.reason]);
    }
    await page.locator('#explained').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'panel-explain.png') });
  });

  it('turns a flag off with its switch, from the keyboard: served disabled within a second', async () => {
    const toggle = page.getByRole('switch', { name: 'beta-dashboard enabled' });
    await expect(toggle.getAttribute('aria-checked')).resolves.toBe('true');
    await toggle.focus();
    const pressedAt = Date.now();
    await page.keyboard.press('Space');
    let took = 0;
    for (;;) {
      if ((await served()).flags['beta-dashboard'].reason === 'DISABLED') break;
      took = Date.now() - pressedAt;
      if (took > 5_000) throw new Error('beta-dashboard was not served disabled');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    took = Date.now() - pressedAt;
    console.log(`panel: a switch pressed, served disabled after ${took} ms`);
    expect(took).toBeLessThan(1_000);
    await page.getByRole('switch', { name: 'beta-dashboard enabled', checked: false }).waitFor();
    const file = JSON.parse(panel.readFile());
    expect(file.flags['beta-dashboard'].state).toBe('DISABLED');
  });

  it('writes an edited rollout back to the file, formatted, and the application serves it', async () => {
    const checkout = page.locator('#flag-checkout-flow');
    await checkout.getByLabel('checkout-flow rollout classic percent').fill('50');
    await checkout.getByLabel('checkout-flow rollout express percent').fill('25');
    await checkout.getByLabel('checkout-flow rollout one-page percent').fill('25');
    await checkout.getByRole('button', { name: 'Save rollout' }).click();
    await page.getByText('checkout-flow rollout saved').waitFor();
    const text = panel.readFile();
    const file = JSON.parse(text);
    expect(text).toBe(`${JSON.stringify(file, null, 2)}\n`);
    expect(Object.keys(file.flags)).toEqual([
      'new-checkout',
      'checkout-flow',
      'beta-dashboard',
      'upload-limit-mb',
      'maintenance-banner',
    ]);
    const targeting = JSON.stringify(file.flags['checkout-flow'].targeting);
    expect(targeting).toContain('["classic",50],["express",25],["one-page",25]');
    const stored = await devClient(flagsUrl).get('definitions');
    expect(
      JSON.stringify(
        (stored.body.flags as Record<string, { targeting: unknown }>)['checkout-flow'].targeting,
      ),
    ).toBe(targeting);
  });

  it('refuses a change on a revision someone else moved, says who, and reloads', async () => {
    const { revision } = await served();
    await deliverWithDevKey(
      example.app.getHttpServer(),
      {
        'upload-limit-mb': {
          state: 'ENABLED',
          variants: { small: 10, large: 100 },
          defaultVariant: 'large',
        },
      },
      revision + 1,
    ).expect(200);
    const card = page.locator('#flag-new-checkout');
    await card.getByLabel('new-checkout default variant').selectOption('on');
    await card.getByRole('button', { name: 'Save default' }).click();
    await page.getByText(/changed since this page was loaded, by test/).waitFor();
    expect((await served()).revision).toBe(revision + 1);
    expect(JSON.parse(panel.readFile()).flags['new-checkout'].defaultVariant).toBe('off');
    await page.getByText(`Application: revision ${revision + 1},`).waitFor();
  });

  it('shows a flag the application holds and the file does not', async () => {
    const { revision } = await served();
    const serverOnly = {
      state: 'ENABLED',
      variants: { on: true, off: false },
      defaultVariant: 'on',
    };
    await deliverWithDevKey(
      example.app.getHttpServer(),
      { 'server-only': serverOnly },
      revision + 1,
    ).expect(200);
    await page.reload();
    await page.getByRole('heading', { name: 'server-only' }).waitFor();
    await expect(page.locator('#flag-server-only').textContent()).resolves.toContain(
      'In the application, not in the file.',
    );
    expect(JSON.parse(panel.readFile()).flags['server-only']).toBeUndefined();
  });

  it('creates a flag and deletes it, each a signed patch', async () => {
    await page.getByLabel('Key').fill('panel-made');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: 'panel-made' }).waitFor();
    expect((await served()).flags['panel-made']).toMatchObject({ value: false, reason: 'STATIC' });
    await page.getByRole('button', { name: 'Delete panel-made' }).click();
    await page.getByText('panel-made deleted').waitFor();
    expect((await served()).flags['panel-made']).toBeUndefined();
    expect(JSON.parse(panel.readFile()).flags['panel-made']).toBeUndefined();
  });
});
