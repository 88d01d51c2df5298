import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../lib/cli/main';
import type { FlagUsage, UsageReport } from '../../lib/staleness';
import { type CapturedIo, captureIo } from './cli-io';

/*
 * Keys, variants, metadata, paths and the application's answers holding escape sequences, bidi
 * overrides, zero-width characters, NUL, tabs and newlines: every command's human output shows
 * them as \u{XXXX} escapes, never raw, and --json as \uXXXX escapes.
 */

/** A character a terminal would act on or not show, but the output's own line breaks. */
const RAW = /(?![ \n])[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Zl}\p{Zp}\p{White_Space}]/u;

const TITLE = '\u001b]0;pwned\u0007x';
const CLEAR = '\u001b[2J\u001b[31mred';
const REVERSED = 'admin\u202Egnp.exe';
const ZERO_WIDTH = 'beta\u200Bdashboard';
const NUL = 'nul\u0000key';
const TAB = 'tab\tkey';
/** A key that would print a line of its own. */
const FORGED = 'fake\nNo flag to act on.';
const HOSTILE = [TITLE, CLEAR, REVERSED, ZERO_WIDTH, NUL, TAB, FORGED];
const ESCAPED: Record<string, string> = {
  [TITLE]: '\\u{001B}]0;pwned\\u{0007}x',
  [CLEAR]: '\\u{001B}[2J\\u{001B}[31mred',
  [REVERSED]: 'admin\\u{202E}gnp.exe',
  [ZERO_WIDTH]: 'beta\\u{200B}dashboard',
  [NUL]: 'nul\\u{0000}key',
  [TAB]: 'tab\\u{0009}key',
  [FORGED]: 'fake\\u{000A}No flag to act on.',
};
/** Printable in any terminal: shown as they are. */
const READABLE = ['größe', '新功能', '🚀-launch'];

const dir = mkdtempSync(join(tmpdir(), 'hybrid-flags-unprintable-'));
const URL_BASE = 'http://flags.test/_flags';
// No application runs here (fetch answers): the commands need only a key to sign with.
const keyFile = join(dir, 'control-plane.pem');
writeFileSync(
  keyFile,
  generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
    type: 'pkcs8',
    format: 'pem',
  }),
);
const remote = (...extra: string[]) => [
  '--url',
  URL_BASE,
  '--key',
  keyFile,
  '--aud',
  'shop',
  ...extra,
];

function expectSafe(text: string): void {
  expect(text).not.toMatch(RAW);
}

const flag = (defaultVariant: string, variants: Record<string, boolean> = { on: true }) => ({
  state: 'ENABLED',
  variants,
  defaultVariant,
});

function flagFile(name: string, flags: Record<string, unknown>): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify({ flags }));
  return path;
}

/** Every key, each with a default variant it does not have (named like the key). */
const invalidFile = flagFile(
  'invalid.json',
  Object.fromEntries([...HOSTILE, ...READABLE].map((key) => [key, flag(key)])),
);
/**
 * The keys the key grammar accepts, valid, under a file name with an escape sequence and a bidi
 * override.
 */
const validFile = flagFile(
  `flags-\u001b[7m\u202E.json`,
  Object.fromEntries(READABLE.map((key) => [key, flag('on')])),
);

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** An IO whose fetch answers from `answer`, by method and path under the base URL. */
function fakeApp(answer: (request: string, body: unknown) => Response): CapturedIo {
  const io = captureIo('', Date.parse('2026-12-01T12:00:00Z') / 1000);
  io.fetch = async (url, init) => {
    const path = url.slice(URL_BASE.length + 1).replace(/\?.*$/, '');
    const body = typeof init.body === 'string' ? JSON.parse(init.body) : undefined;
    return answer(`${init.method ?? 'GET'} ${path}`, body);
  };
  return io;
}

describe('hybrid-flags output of unprintable characters', () => {
  describe('validate', () => {
    it('escapes keys and variants in each problem, one line per problem', async () => {
      const io = captureIo();

      expect(await main(['validate', invalidFile], io)).toBe(1);

      expectSafe(io.out);
      expectSafe(io.err);
      const lines = io.out.trimEnd().split('\n');
      // Each unprintable key breaks the key grammar too: two problems each.
      expect(lines).toHaveLength(2 * HOSTILE.length + READABLE.length);
      for (const key of HOSTILE) {
        expect(io.out).toContain(`/flags/${ESCAPED[key]}: the key "`);
        expect(io.out).toContain(
          `/flags/${ESCAPED[key]}/defaultVariant: unknown variant "${ESCAPED[key]}"`,
        );
      }
      for (const key of READABLE) {
        expect(io.out).toContain(`/flags/${key}/defaultVariant: unknown variant "${key}"`);
      }
      expect(lines.filter((line) => line.startsWith('No flag'))).toEqual([]);
    });

    it('escapes the file name', async () => {
      const io = captureIo();

      expect(await main(['validate', validFile], io)).toBe(0);

      expectSafe(io.out);
      expect(io.out).toBe(
        `${join(dir, 'flags-\\u{001B}[7m\\u{202E}.json')}: valid, ${READABLE.length} flags (strict)\n`,
      );
      const missing = captureIo();
      expect(await main(['validate', join(dir, `missing${TITLE}.json`)], missing)).toBe(2);
      expectSafe(missing.err);
      expect(missing.err).toContain(`missing${ESCAPED[TITLE]}.json`);
    });

    it('writes --json with \\uXXXX escapes that parse back to the exact paths', async () => {
      const io = captureIo();

      expect(await main(['validate', invalidFile, '--json'], io)).toBe(1);

      expectSafe(io.out);
      expect(io.out).toContain('admin\\u202egnp.exe');
      expect(io.out).toContain('beta\\u200bdashboard');
      const paths = (JSON.parse(io.out) as { path: string }[]).map(({ path }) => path);
      expect(paths).toContain(`/flags/${REVERSED}/defaultVariant`);
      expect(paths).toContain(`/flags/${READABLE[1]}/defaultVariant`);
    });

    it('escapes an argument the command line refuses', async () => {
      const io = captureIo();
      expect(await main(['validate', invalidFile, `--${CLEAR}`], io)).toBe(2);
      expectSafe(io.err);
      expect(io.err).toContain(ESCAPED[CLEAR]);
      const unknown = captureIo();
      expect(await main([REVERSED], unknown)).toBe(2);
      expect(unknown.err).toContain(`unknown command "${ESCAPED[REVERSED]}"`);
    });
  });

  describe('stale', () => {
    const GENERATED_AT = '2026-12-01T12:00:00.000Z';
    const usageFlag = (key: string, metadata: Record<string, unknown>): FlagUsage => ({
      key,
      inStore: true,
      updatedAt: '2026-06-01T00:00:00.000Z',
      metadata,
      lastEvaluatedAt: '2026-12-01T11:00:00.000Z',
      counts: { on: 5 },
      daily: [{ day: '2026-12-01', counts: { on: 5 } }],
      unflushed: {},
    });
    const report: UsageReport = {
      generatedAt: GENERATED_AT,
      since: `2026-11-02${ZERO_WIDTH}`,
      days: 30,
      flushIntervalMs: 60_000,
      flags: [
        ...[...HOSTILE, ...READABLE].map((key) => usageFlag(key, { expiresAt: '2026-11-30' })),
        usageFlag('bad-date', { expiresAt: `soon${REVERSED}` }),
      ],
    };
    const src = mkdtempSync(join(tmpdir(), 'hybrid-flags-unprintable-src-'));
    const sourceFile = `checkout${CLEAR}.service.ts`;
    mkdirSync(join(src, 'app'));
    writeFileSync(
      join(src, 'app', sourceFile),
      [
        "import { FlagService } from 'nestjs-hybrid-flags';",
        'export class CheckoutService {',
        '  constructor(private readonly flags: FlagService) {}',
        "  title() { return this.flags.isEnabled('\\u001b]0;pwned\\u0007x'); }",
        `  any() { return this.flags.isEnabled(prefix + '${REVERSED}'); }`,
        '}',
      ].join('\n'),
    );

    it('escapes keys, metadata, the report, file names and code in the report', async () => {
      const io = fakeApp((request) =>
        request === 'GET usage' ? json(200, report) : json(404, {}),
      );

      expect(await main(['stale', ...remote('--src', src)], io)).toBe(1);

      expect(io.err).toBe('');
      expectSafe(io.out);
      for (const key of HOSTILE) {
        expect(io.out).toContain(`\n${ESCAPED[key]} (release)\n  expired: expired on 2026-11-30`);
      }
      for (const key of READABLE) expect(io.out).toContain(`\n${key} (release)\n`);
      expect(io.out).toContain(`usage since 2026-11-02${ESCAPED[ZERO_WIDTH]} (30 days)`);
      expect(io.out).toContain(
        `metadata.expiresAt "soon${ESCAPED[REVERSED]}" is not an ISO 8601 date`,
      );
      expect(io.out).toContain(`named at app/checkout${ESCAPED[CLEAR]}.service.ts:4`);
      expect(io.out).toContain(
        `  app/checkout${ESCAPED[CLEAR]}.service.ts:5 isEnabled(prefix + '${ESCAPED[REVERSED]}')`,
      );
      // The forged key's second half stays on its key's line.
      expect(io.out.split('\n').filter((line) => line === 'No flag to act on.')).toEqual([]);
    });

    it('writes --json with \\uXXXX escapes that parse back to the exact keys', async () => {
      const io = fakeApp(() => json(200, report));

      expect(await main(['stale', ...remote('--json')], io)).toBe(1);

      expectSafe(io.out);
      const result = JSON.parse(io.out) as { stale: { key: string }[] };
      expect(result.stale.map(({ key }) => key)).toEqual(
        expect.arrayContaining([...HOSTILE, ...READABLE]),
      );
    });

    it("escapes the application's refusal", async () => {
      const io = fakeApp(() =>
        json(401, { error: 'invalid_token', reason: `bad${TITLE}`, message: FORGED }),
      );

      expect(await main(['stale', ...remote()], io)).toBe(1);

      expectSafe(io.err);
      expect(io.err).toBe(
        `hybrid-flags: HTTP 401 invalid_token bad${ESCAPED[TITLE]}: ${ESCAPED[FORGED]}\n`,
      );
    });
  });

  describe('remote commands', () => {
    it('evaluate escapes keys, values, variants, reasons and the revision', async () => {
      const results = Object.fromEntries(
        [...HOSTILE, ...READABLE].map((key) => [
          key,
          { value: `${key}${REVERSED}`, variant: key, reason: `STATIC${ZERO_WIDTH}` },
        ]),
      );
      const io = fakeApp(() => json(200, { revision: `7${CLEAR}`, results }));

      expect(await main(['evaluate', ...remote()], io)).toBe(0);

      expectSafe(io.out);
      expectSafe(io.err);
      expect(io.out.trimEnd().split('\n')).toHaveLength(HOSTILE.length + READABLE.length);
      expect(io.out).toContain(
        `${ESCAPED[TAB]} = "tab\\tkeyadmin\\u{202E}gnp.exe" (variant ${ESCAPED[TAB]}, reason STATIC${ESCAPED[ZERO_WIDTH]})`,
      );
      expect(io.out).toContain(
        `${ESCAPED[TITLE]} = "\\u001b]0;pwned\\u0007xadmin\\u{202E}gnp.exe" (variant ${ESCAPED[TITLE]},`,
      );
      expect(io.out).toContain(`新功能 = "新功能admin\\u{202E}gnp.exe" (variant 新功能,`);
      expect(io.err).toBe(`revision 7${ESCAPED[CLEAR]}\n`);
    });

    it('push escapes the keys the application reports changed, and its refusals', async () => {
      const file = flagFile(
        'push.json',
        Object.fromEntries(READABLE.map((key) => [key, flag('on')])),
      );
      const io = fakeApp((request) => {
        if (request === 'GET definitions') {
          return json(200, { revision: 0, checksum: '', flags: {}, $evaluators: {} });
        }
        if (request === 'POST deliveries') {
          return json(200, {
            status: 'applied',
            revision: 1,
            changed: [REVERSED, TITLE, '新功能'],
          });
        }
        return json(200, { store: null, instance: {} });
      });

      expect(await main(['push', file, ...remote()], io)).toBe(0);

      expectSafe(io.out);
      expect(io.out).toContain(
        `3 changes: ${ESCAPED[REVERSED]}, ${ESCAPED[TITLE]}, 新功能\nchecksum `,
      );

      const refused = fakeApp((request) =>
        request === 'GET definitions'
          ? json(200, { revision: 0, checksum: '', flags: {}, $evaluators: {} })
          : json(422, {
              error: 'invalid_delivery',
              details: [{ path: `/flags/${NUL}`, message: `bad\n${CLEAR}` }],
            }),
      );
      expect(await main(['push', file, ...remote()], refused)).toBe(1);
      expectSafe(refused.err);
      expect(refused.err).toBe(
        `hybrid-flags: HTTP 422 invalid_delivery\n  /flags/${ESCAPED[NUL]}: bad\\u{000A}${ESCAPED[CLEAR]}\n`,
      );
    });

    it('state escapes what the application says it holds', async () => {
      const holding = {
        revision: `3${TAB}`,
        flagCount: 2,
        checksum: `abc${ZERO_WIDTH}`,
        source: `store${TITLE}`,
        loadedAt: `2026-12-01${REVERSED}`,
      };
      const io = fakeApp(() => json(200, { store: holding, instance: holding }));

      expect(await main(['state', ...remote()], io)).toBe(0);

      expectSafe(io.out);
      expect(io.out).toContain(
        `instance: revision 3${ESCAPED[TAB]}, 2 flags, checksum abc${ESCAPED[ZERO_WIDTH]}, from store${ESCAPED[TITLE]}, loaded 2026-12-01${ESCAPED[REVERSED]}`,
      );
    });

    it('escapes a body that is not JSON, line breaks included', async () => {
      const io = fakeApp(() => new Response(`<html>${TITLE}\nHTTP 200 OK</html>`, { status: 502 }));

      expect(await main(['state', ...remote()], io)).toBe(1);

      expectSafe(io.err);
      expect(io.err.trimEnd().split('\n')).toHaveLength(1);
      expect(io.err).toContain(`<html>${ESCAPED[TITLE]}\\u{000A}HTTP 200 OK</html>`);
    });
  });

  it('every command writes through lib/cli/output.ts, which escapes', () => {
    const cli = join(__dirname, '..', '..', 'lib', 'cli');
    const writers = readdirSync(cli)
      .filter((name) => name.endsWith('.ts') && name !== 'output.ts' && name !== 'io.ts')
      .filter((name) =>
        /\bio\.(stdout|stderr)\s*\(|process\.(stdout|stderr)|console\./.test(
          readFileSync(join(cli, name), 'utf8'),
        ),
      );
    expect(writers).toEqual([]);
  });
});
