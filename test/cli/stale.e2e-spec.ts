import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FlagService, type FlagSetDocument, type StaleFlag } from '../../lib';
import { main } from '../../lib/cli/main';
import { UsageRecorder } from '../../lib/usage/usage-recorder';
import {
  type FlagsApp,
  type RecordingIo,
  controlPlane,
  flag,
  recordingIo,
  remoteArgs,
  startFlagsApp,
} from './flags-app';

/*
 * `hybrid-flags stale` against a real application: flags pushed with the CLI, evaluated through
 * FlagService, and a source folder naming some of them. Rules that need days to pass (unused,
 * launched) are covered on a fixed clock in lib/staleness and test/cli/stale.spec.ts.
 */

const plane = controlPlane();

const SRC = mkdtempSync(join(tmpdir(), 'hybrid-flags-stale-e2e-src-'));
writeFileSync(
  join(SRC, 'shop.controller.ts'),
  [
    "import { FeatureFlag, FlagService } from 'nestjs-hybrid-flags';",
    'export class ShopController {',
    '  constructor(private readonly flags: FlagService) {}',
    "  @FeatureFlag('new-checkout')",
    '  checkout() {',
    "    return this.flags.isEnabled('old-banner') && this.flags.isEnabled('new-chekout');",
    '  }',
    '}',
  ].join('\n'),
);

const CLEAN: FlagSetDocument = {
  flags: {
    'new-checkout': flag('on', { metadata: { type: 'release', expiresAt: '2999-01-01' } }),
    'old-banner': flag('off', { metadata: { type: 'operational' } }),
  },
};
const STALE: FlagSetDocument = {
  flags: {
    ...CLEAN.flags,
    'old-banner': flag('off', { metadata: { type: 'release', expiresAt: '2020-01-01' } }),
    orphan: flag('on', { metadata: { expiresAt: 'next week' } }),
  },
};

describe('hybrid-flags stale against a running application', () => {
  let target: FlagsApp;

  beforeEach(async () => {
    target = await startFlagsApp(plane);
  });

  afterEach(() => target.close());

  async function run(command: string, ...args: string[]): Promise<[number, RecordingIo]> {
    const io = recordingIo();
    const code = await main([command, ...remoteArgs(plane, target.url, ...args)], io);
    return [code, io];
  }

  async function push(document: FlagSetDocument): Promise<void> {
    const [code, io] = await run('push', plane.flagFile('flags.json', document));
    expect({ code, err: io.err }).toEqual({ code: 0, err: '' });
  }

  it('exits 0 when every flag is named in code, in the store and within its dates', async () => {
    await push(CLEAN);
    const flags = target.app.get(FlagService);
    flags.isEnabled('new-checkout');
    flags.isEnabled('old-banner');
    const source = mkdtempSync(join(tmpdir(), 'hybrid-flags-stale-e2e-clean-'));
    writeFileSync(
      join(source, 'app.ts'),
      "@FeatureFlag('new-checkout') class A {}\n@FeatureFlag('old-banner') class B {}\n",
    );

    const [code, io] = await run('stale', '--src', source);

    expect({ code, err: io.err }).toEqual({ code: 0, err: '' });
    expect(io.out).toContain('2 flags in the store');
    expect(io.out).toContain('No flag to act on.');
    expect(io.exchanges.map(({ method, path, status }) => `${method} ${path} ${status}`)).toEqual([
      'GET /_flags/usage 200',
    ]);
  });

  it('reports expired, invalid, missing and unreferenced flags with where code names them', async () => {
    await push(STALE);
    const flags = target.app.get(FlagService);
    // Stored by a flush, then one more evaluation this instance has not stored yet.
    flags.isEnabled('new-chekout');
    await target.app.get(UsageRecorder).flush();
    flags.isEnabled('new-chekout');
    flags.isEnabled('evaluated-only');

    const [code, io] = await run('stale', '--src', SRC, '--json');

    expect({ code, err: io.err }).toEqual({ code: 1, err: '' });
    const result = JSON.parse(io.out) as { stale: StaleFlag[]; flagsInStore: number };
    expect(result.flagsInStore).toBe(3);
    const byKey = Object.fromEntries(result.stale.map((entry) => [entry.key, entry]));
    expect(
      Object.fromEntries(
        result.stale.map((entry) => [entry.key, entry.reasons.map((reason) => reason.code)]),
      ),
    ).toEqual({
      'evaluated-only': ['missing'],
      'new-chekout': ['missing'],
      'old-banner': ['expired'],
      orphan: ['invalid-metadata', 'unreferenced'],
    });
    expect(byKey['new-chekout']).toMatchObject({
      inStore: false,
      evaluations: 2,
      references: [{ file: 'shop.controller.ts', line: 6, call: 'isEnabled' }],
      reasons: [{ code: 'missing', evaluated: true, referenced: true }],
    });
    expect(byKey['evaluated-only'].reasons[0]).toMatchObject({
      evaluated: true,
      referenced: false,
    });
    expect(byKey['old-banner']).toMatchObject({
      type: 'release',
      references: [{ file: 'shop.controller.ts', line: 6 }],
      reasons: [{ code: 'expired', expiresAt: '2020-01-01' }],
    });
    expect(byKey.orphan.reasons[0]).toMatchObject({ field: 'expiresAt', value: 'next week' });
  });

  it('prints the report for a person', async () => {
    await push(STALE);

    const [code, io] = await run('stale', '--src', SRC);

    expect(code).toBe(1);
    expect(io.out).toMatch(
      /^old-banner \(release\)\n {2}expired: expired on 2020-01-01 .*\n {2}named at shop\.controller\.ts:6$/m,
    );
    expect(io.out).toMatch(/^new-chekout \(not in the store\)\n {2}missing: named in code/m);
    expect(io.out).toContain('3 flags to act on.');
  });
});
