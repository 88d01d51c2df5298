import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import { bodySha256, type FlagUsage, type UsageReport } from '../../lib';
import { DEFAULT_RETRY } from '../../lib/cli/flags-client';
import { main } from '../../lib/cli/main';
import { type CapturedIo, captureIo } from './cli-io';
import { controlPlane, remoteArgs } from './flags-app';

/*
 * `hybrid-flags stale` against a fake application: what it asks for, what it prints and exits
 * with for each kind of answer, on a report whose clock the test fixes.
 */

const plane = controlPlane();
const URL_BASE = 'http://flags.test/_flags';
const GENERATED_AT = '2026-12-01T12:00:00.000Z';

function flag(key: string, overrides: Partial<FlagUsage> = {}): FlagUsage {
  return {
    key,
    inStore: true,
    updatedAt: '2026-06-01T00:00:00.000Z',
    metadata: {},
    lastEvaluatedAt: '2026-12-01T11:00:00.000Z',
    counts: { on: 5, off: 5 },
    daily: [{ day: '2026-12-01', counts: { on: 5, off: 5 } }],
    unflushed: {},
    ...overrides,
  };
}

function usage(flags: FlagUsage[]): UsageReport {
  return {
    generatedAt: GENERATED_AT,
    since: '2026-11-02',
    days: 30,
    flushIntervalMs: 60_000,
    flags,
  };
}

/** An IO whose fetch answers from `answer` and records what was asked. */
function fakeApp(answer: (url: string) => Response | Promise<Response>): CapturedIo & {
  requests: Array<{ url: string; method: string; bodySha?: unknown }>;
} {
  // The IO's clock is in 2027: only the report's generatedAt keeps "later" flags unexpired.
  const io = Object.assign(captureIo('', Date.parse('2027-06-01T00:00:00Z') / 1000), {
    requests: [] as Array<{ url: string; method: string; bodySha?: unknown }>,
  });
  io.fetch = async (url, init) => {
    const bearer = new Headers(init.headers).get('authorization') ?? '';
    const claims = jwt.decode(bearer.replace(/^Bearer /, '')) as Record<string, unknown> | null;
    io.requests.push({ url, method: init.method ?? 'GET', bodySha: claims?.body_sha256 });
    return answer(url);
  };
  return io;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });

function sourceTree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'hybrid-flags-stale-src-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

const SRC = sourceTree({
  'dashboard.controller.ts': [
    "import { FeatureFlag } from 'nestjs-hybrid-flags';",
    'export class DashboardController {',
    "  @FeatureFlag('beta-dashboard')",
    '  beta() {}',
    "  @FeatureFlag('beta-dashbaord')",
    '  typo() {}',
    '}',
  ].join('\n'),
  'checkout/checkout.service.ts': [
    "import { FlagService } from 'nestjs-hybrid-flags';",
    'export class CheckoutService {',
    '  constructor(private readonly flags: FlagService) {}',
    "  flow() { return this.flags.getString('old-banner', 'classic'); }",
    '  any(key: string) { return this.flags.isEnabled(key); }',
    "  later() { return this.flags.isEnabled('later'); }",
    '}',
  ].join('\n'),
});

const STALE_REPORT = usage([
  flag('beta-dashboard'),
  flag('old-banner', { metadata: { expiresAt: '2026-11-30', type: 'release' } }),
  flag('orphan'),
  flag('later', { metadata: { expiresAt: '2026-12-15' } }),
]);

async function stale(io: CapturedIo, ...extra: string[]): Promise<number> {
  return main(['stale', ...remoteArgs(plane, URL_BASE, ...extra)], io);
}

describe('hybrid-flags stale', () => {
  it('asks for the usage of the window, signed over the empty body', async () => {
    const io = fakeApp(() => json(200, usage([flag('fine')])));

    expect(await stale(io, '--days', '90')).toBe(0);
    expect(io.requests).toEqual([
      { url: `${URL_BASE}/usage?days=90`, method: 'GET', bodySha: bodySha256('') },
    ]);
    expect(io.out).toContain('1 flag in the store, usage since 2026-11-02 (30 days)');
    expect(io.out).toContain('No flag to act on.');
    expect(io.out).toContain('without --src, flags named only in code and flags named nowhere');
  });

  it('prints each flag to act on with its reasons and where code names it; exits 1', async () => {
    const io = fakeApp(() => json(200, STALE_REPORT));

    const code = await stale(io, '--src', SRC);

    expect(code).toBe(1);
    expect(io.err).toBe('');
    const out = io.out;
    expect(out).toContain(
      `4 flags in the store, usage since 2026-11-02 (30 days), 2 source files scanned in ${SRC}`,
    );
    expect(out).toContain(
      [
        'beta-dashbaord (not in the store)',
        '  missing: named in code but not in the store, so every call gets its code default: fix the key in code if it is a typo; add the flag to the store if it is still needed; else remove it from code',
        '  named at dashboard.controller.ts:5',
      ].join('\n'),
    );
    expect(out).toMatch(
      /old-banner \(release\)\n {2}expired: expired on 2026-11-30 \(metadata\.expiresAt\): remove the flag from code, then from the store;.*\n {2}named at checkout\/checkout\.service\.ts:4\n/,
    );
    expect(out).toMatch(/orphan \(release\)\n {2}unreferenced: in the store but named nowhere/);
    // Judged on the report's clock (2026-12-01), not the machine's (2027).
    expect(out).not.toMatch(/^later /m);
    expect(out).not.toMatch(/^beta-dashboard /m);
    expect(out).toContain('3 flags to act on.');
    expect(out).toContain(
      '1 place names flags the scan cannot read; a flag used only there is reported unreferenced wrongly',
    );
    expect(out).toContain('  checkout/checkout.service.ts:5 isEnabled(key)');
  });

  it('prints the same as JSON with --json', async () => {
    const io = fakeApp(() => json(200, STALE_REPORT));

    expect(await stale(io, '--src', SRC, '--json')).toBe(1);
    const result = JSON.parse(io.out);
    expect(result).toMatchObject({
      generatedAt: GENERATED_AT,
      since: '2026-11-02',
      days: 30,
      flagsInStore: 4,
      source: {
        dir: SRC,
        files: 2,
        references: 4,
        dynamic: [
          { file: 'checkout/checkout.service.ts', line: 5, call: 'isEnabled', expression: 'key' },
        ],
      },
    });
    expect(
      result.stale.map((entry: { key: string; reasons: Array<{ code: string }> }) => [
        entry.key,
        entry.reasons.map((reason) => reason.code),
      ]),
    ).toEqual([
      ['beta-dashbaord', ['missing']],
      ['old-banner', ['expired']],
      ['orphan', ['unreferenced']],
    ]);
    expect(result.stale[1]).toMatchObject({
      inStore: true,
      type: 'release',
      references: [
        { key: 'old-banner', file: 'checkout/checkout.service.ts', line: 4, call: 'getString' },
      ],
    });
  });

  it('does not check code without --src', async () => {
    const io = fakeApp(() => json(200, STALE_REPORT));

    expect(await stale(io, '--json')).toBe(1);
    const result = JSON.parse(io.out);
    expect(result.source).toBeNull();
    expect(result.stale.map((entry: { key: string }) => entry.key)).toEqual(['old-banner']);
  });

  it('waits out a database outage, then exits 1 saying to run again later', async () => {
    const io = fakeApp(() => json(503, { error: 'store_unavailable' }, { 'retry-after': '5' }));

    expect(await stale(io)).toBe(1);
    expect(io.requests).toHaveLength(DEFAULT_RETRY.attempts);
    expect(io.sleeps.every((ms) => ms === 5000)).toBe(true);
    expect(io.err).toContain(
      "HTTP 503 store_unavailable; the application's database does not answer: run this again once it is back",
    );
    expect(io.out).toBe('');
  });

  it('exits 1 when the application cannot be reached', async () => {
    const io = fakeApp(() => {
      throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    });

    expect(await stale(io)).toBe(1);
    expect(io.err).toContain(`cannot reach ${URL_BASE}/usage?days=30 (ECONNREFUSED)`);
    expect(io.err).toContain('check --url and that the application runs');
  });

  it('exits 1 on a 404, saying an older application has no usage report', async () => {
    const io = fakeApp(() => json(404, { message: 'Cannot GET /_flags/usage' }));

    expect(await stale(io)).toBe(1);
    expect(io.err).toContain('answered 404: check --url');
    expect(io.err).toContain('without usage reports answers 404 too: upgrade it');
  });

  it('exits 1 on a refusal or an answer that is not a usage report', async () => {
    const refused = fakeApp(() => json(401, { error: 'invalid_token', reason: 'wrong_audience' }));
    expect(await stale(refused)).toBe(1);
    expect(refused.err).toContain('HTTP 401 invalid_token wrong_audience');

    const odd = fakeApp(() => json(200, { flags: 'none' }));
    expect(await stale(odd)).toBe(1);
    expect(odd.err).toContain('a body that is not a usage report');
  });

  it('refuses a bad --days or --src before asking the application (exit 2)', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'hybrid-flags-stale-empty-'));
    for (const extra of [
      ['--days', '6'],
      ['--days', '401'],
      ['--days', '7.5'],
      ['--src', join(empty, 'missing')],
      ['--src', empty],
    ]) {
      const io = fakeApp(() => json(200, STALE_REPORT));
      expect(await stale(io, ...extra)).toBe(2);
      expect(io.requests).toEqual([]);
      expect(io.err).toContain('Run "hybrid-flags stale --help" for usage.');
    }
    const io = fakeApp(() => json(200, STALE_REPORT));
    await stale(io, '--src', empty);
    expect(io.err).toContain('holds no JavaScript or TypeScript file; pass the folder');
  });

  it('has its help, listed in the general help', async () => {
    const io = captureIo();
    expect(await main(['stale', '--help'], io)).toBe(0);
    expect(io.out).toContain('Usage: hybrid-flags stale');
    expect(io.out).toContain('Exit codes: 0 nothing to act on, 1 flags to act on');
    const general = captureIo();
    expect(await main(['--help'], general)).toBe(0);
    expect(general.out).toMatch(/^ {2}stale +list flags to clean up/m);
  });
});
