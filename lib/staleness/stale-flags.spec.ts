import type { CodeReference } from './code-reference.types';
import { staleFlags } from './stale-flags';
import type { StaleReasonCode } from './stale-reason';
import type { FlagUsage, UsageReport, VariantCounts } from './usage-report.types';

const NOW = new Date('2026-12-01T12:00:00.000Z');
const DAY = 86_400_000;
/** An instant `days` days before NOW. */
const ago = (days: number, extraMs = 0) => new Date(NOW.getTime() - days * DAY + extraMs);
const iso = (at: Date) => at.toISOString();
/** The UTC day `days` days before NOW. */
const dayAgo = (days: number) => iso(ago(days)).slice(0, 10);

/** A stored flag, changed long ago, last evaluated a moment ago. */
function stored(key: string, overrides: Partial<FlagUsage> = {}): FlagUsage {
  return {
    key,
    inStore: true,
    updatedAt: iso(ago(300)),
    metadata: {},
    lastEvaluatedAt: iso(ago(0, -60_000)),
    counts: {},
    daily: [],
    unflushed: {},
    ...overrides,
  };
}

function report(flags: FlagUsage[], days = 30): UsageReport {
  return {
    generatedAt: iso(NOW),
    since: dayAgo(days - 1),
    days,
    flushIntervalMs: 60_000,
    flags,
  };
}

/** Each reported flag's reason codes, by key. */
function codes(
  flags: FlagUsage[],
  references?: CodeReference[],
  at = NOW,
  days = 30,
): Record<string, StaleReasonCode[]> {
  return Object.fromEntries(
    staleFlags(report(flags, days), at, references).map((flag) => [
      flag.key,
      flag.reasons.map((reason) => reason.code),
    ]),
  );
}

const ref = (key: string, file = 'src/app.ts', line = 1): CodeReference => ({
  key,
  file,
  line,
  call: 'isEnabled',
});

describe('staleFlags: expired', () => {
  it('reports a flag whose expiresAt has passed, with what to do', () => {
    const [flag] = staleFlags(
      report([stored('old', { metadata: { expiresAt: '2026-11-30' } })]),
      NOW,
    );
    expect(flag.reasons).toEqual([
      {
        code: 'expired',
        expiresAt: '2026-11-30',
        message: expect.stringContaining('remove the flag from code, then from the store'),
      },
    ]);
  });

  it('treats an expiresAt equal to now as not yet passed, and a later one as fine', () => {
    expect(
      codes([
        stored('edge', { metadata: { expiresAt: iso(NOW) } }),
        stored('later', { metadata: { expiresAt: '2026-12-02' } }),
        stored('just-passed', { metadata: { expiresAt: iso(ago(0, -1)) } }),
      ]),
    ).toEqual({ 'just-passed': ['expired'] });
  });

  it('applies to every type, permission flags included', () => {
    expect(
      codes([stored('perm', { metadata: { type: 'permission', expiresAt: '2026-01-01' } })]),
    ).toEqual({ perm: ['expired'] });
  });
});

describe('staleFlags: invalid metadata', () => {
  it('reports an expiresAt or staleAfterDays it cannot read, as its own problem', () => {
    const [flag] = staleFlags(
      report([stored('typo', { metadata: { expiresAt: 'soon', staleAfterDays: -3 } })]),
      NOW,
    );
    expect(
      flag.reasons.map(({ code, ...rest }) => ({ code, field: (rest as never)['field'] })),
    ).toEqual([
      { code: 'invalid-metadata', field: 'expiresAt' },
      { code: 'invalid-metadata', field: 'staleAfterDays' },
    ]);
    expect(flag.reasons[0].message).toContain('"soon" is not an ISO 8601 date');
    expect(flag.reasons[0].message).toContain('fix it in the flag file');
  });

  it('keeps applying the other rules with the defaults', () => {
    expect(
      codes([
        stored('typo', {
          metadata: { type: 'operational', staleAfterDays: '3' },
          lastEvaluatedAt: iso(ago(7)),
        }),
      ]),
    ).toEqual({ typo: ['invalid-metadata', 'unused'] });
  });
});

describe('staleFlags: unused', () => {
  it('reports a release flag not evaluated for exactly 40 days, not one day-minus-a-millisecond less', () => {
    expect(
      codes([
        stored('idle', { lastEvaluatedAt: iso(ago(40)) }),
        stored('almost', { lastEvaluatedAt: iso(ago(40, 1)) }),
      ]),
    ).toEqual({ idle: ['unused'] });
  });

  it('uses the type defaults: experiment 40 days, operational 7, permission never', () => {
    const flag = (key: string, type: string, days: number) =>
      stored(key, { metadata: { type }, lastEvaluatedAt: iso(ago(days)) });
    expect(
      codes([
        flag('exp-40', 'experiment', 40),
        flag('exp-39', 'experiment', 39),
        flag('ops-7', 'operational', 7),
        flag('ops-6', 'operational', 6.99),
        flag('perm', 'permission', 3000),
        flag('unknown-type', 'kill-switch', 40),
      ]),
    ).toEqual({ 'exp-40': ['unused'], 'ops-7': ['unused'], 'unknown-type': ['unused'] });
  });

  it('lets metadata.staleAfterDays override the type, 0 meaning never', () => {
    expect(
      codes([
        stored('longer', { metadata: { staleAfterDays: 90 }, lastEvaluatedAt: iso(ago(89)) }),
        stored('longer-due', { metadata: { staleAfterDays: 90 }, lastEvaluatedAt: iso(ago(90)) }),
        stored('never', { metadata: { staleAfterDays: 0 }, lastEvaluatedAt: iso(ago(3000)) }),
        stored('perm-limited', {
          metadata: { type: 'permission', staleAfterDays: 30 },
          lastEvaluatedAt: iso(ago(30)),
        }),
      ]),
    ).toEqual({ 'longer-due': ['unused'], 'perm-limited': ['unused'] });
  });

  it('counts from the last change when it is later: a flag defined recently is not stale yet', () => {
    expect(
      codes([
        stored('new', { lastEvaluatedAt: null, updatedAt: iso(ago(39)) }),
        stored('changed', { lastEvaluatedAt: iso(ago(100)), updatedAt: iso(ago(10)) }),
        stored('never-used', { lastEvaluatedAt: null, updatedAt: iso(ago(40)) }),
      ]),
    ).toEqual({ 'never-used': ['unused'] });
  });

  it('says how long and since when, and what to do', () => {
    const [never, idle] = staleFlags(
      report([
        stored('a-never', { lastEvaluatedAt: null, updatedAt: iso(ago(45)) }),
        stored('b-idle', {
          metadata: { type: 'operational' },
          lastEvaluatedAt: '2026-11-20T08:00:00.000Z',
        }),
      ]),
      NOW,
    );
    expect(never.reasons[0]).toEqual({
      code: 'unused',
      idleDays: 45,
      staleAfterDays: 40,
      lastEvaluatedAt: null,
      message: expect.stringContaining('never evaluated, and unchanged for 45 days'),
    });
    expect(never.reasons[0].message).toContain('a release flag is stale after 40');
    expect(idle.reasons[0]).toMatchObject({
      code: 'unused',
      idleDays: 11,
      lastEvaluatedAt: '2026-11-20T08:00:00.000Z',
    });
    expect(idle.reasons[0].message).toContain('not evaluated for 11 days (last on 2026-11-20)');
    expect(idle.reasons[0].message).toContain('raise metadata.staleAfterDays');
  });

  it("counts this instance's unstored evaluations as evaluations at the report's time", () => {
    const [flag] = staleFlags(
      report([
        stored('busy', { lastEvaluatedAt: iso(ago(100)), unflushed: { on: 2, off: 1 } }),
        stored('idle', { lastEvaluatedAt: iso(ago(100)) }),
      ]),
      NOW,
    );
    expect(flag.key).toBe('idle');
  });

  it("falls back on a day's counts when the last evaluation time is missing", () => {
    expect(
      codes([
        stored('counted', {
          lastEvaluatedAt: null,
          daily: [{ day: dayAgo(3), counts: { on: 1, off: 1 } }],
          counts: { on: 1, off: 1 },
        }),
      ]),
    ).toEqual({});
  });

  it('does not guess when neither the last evaluation nor the last change is known', () => {
    expect(codes([stored('unknown', { lastEvaluatedAt: null, updatedAt: null })])).toEqual({});
  });
});

describe('staleFlags: launched', () => {
  /** A release flag unchanged for `unchangedDays`, evaluated each of the last 7 days. */
  function servedDaily(
    key: string,
    variantOf: (daysAgo: number) => VariantCounts,
    extra: Partial<FlagUsage> = {},
  ): FlagUsage {
    const daily = [8, 7, 6, 5, 4, 3, 2, 1, 0].map((days) => ({
      day: dayAgo(days),
      counts: variantOf(days),
    }));
    const counts: Record<string, number> = {};
    for (const { counts: day } of daily) {
      for (const [variant, count] of Object.entries(day)) {
        counts[variant] = (counts[variant] ?? 0) + count;
      }
    }
    return stored(key, { updatedAt: iso(ago(7)), daily, counts, ...extra });
  }

  it('reports one variant served to every evaluation of the last 7 UTC days, naming it', () => {
    // The rollout reached everyone 6 full days ago; before that, some got "off".
    const flag = servedDaily('rolled-out', (days): VariantCounts =>
      days > 6 ? { on: 5, off: 5 } : { on: 10 },
    );
    const [stale] = staleFlags(report([flag]), NOW);
    expect(stale.reasons).toEqual([
      {
        code: 'launched',
        variant: 'on',
        evaluations: 70,
        message: expect.stringContaining('served variant "on" to all 70 evaluations'),
      },
    ]);
    expect(stale.reasons[0].message).toContain('make "on" the only code path');
  });

  it('needs the definition unchanged for 7 days: exactly 7 passes, a millisecond less does not', () => {
    const on = () => ({ on: 3 });
    expect(
      codes([
        servedDaily('seven', on, { updatedAt: iso(ago(7)) }),
        servedDaily('almost', on, { updatedAt: iso(ago(7, 1)) }),
        servedDaily('unknown', on, { updatedAt: null }),
      ]),
    ).toEqual({ seven: ['launched'] });
  });

  it('needs one and the same non-empty variant, including unstored evaluations', () => {
    expect(
      codes([
        servedDaily('split', (days): VariantCounts => (days === 2 ? { off: 1 } : { on: 3 })),
        servedDaily('defaulted', () => ({ '': 4 })),
        servedDaily('late-off', () => ({ on: 3 }), { unflushed: { off: 1 } }),
        servedDaily('late-on', () => ({ on: 3 }), { unflushed: { on: 1 } }),
        servedDaily('disabled-once', (days): VariantCounts =>
          days === 0 ? { on: 1, '': 1 } : { on: 1 },
        ),
      ]),
    ).toEqual({ 'late-on': ['launched'] });
  });

  it('looks at the last 7 UTC days only, today included, and needs evaluations in them', () => {
    expect(
      codes([
        // 7 days ago is outside the window: what it served does not matter.
        servedDaily('window', (days): VariantCounts => (days >= 7 ? { off: 9 } : { on: 1 })),
        // Evaluated before the window only: nothing to tell (unused decides, later).
        servedDaily('quiet', (days): VariantCounts => (days >= 7 ? { on: 9 } : {}), {
          lastEvaluatedAt: iso(ago(7)),
        }),
      ]),
    ).toEqual({ window: ['launched'] });
  });

  it('ignores operational and permission flags, which serve one variant by design', () => {
    const on = () => ({ on: 3 });
    expect(
      codes([
        servedDaily('kill-switch', on, { metadata: { type: 'operational' } }),
        servedDaily('admin-only', on, { metadata: { type: 'permission' } }),
        servedDaily('ab-test', on, { metadata: { type: 'experiment' } }),
      ]),
    ).toEqual({ 'ab-test': ['launched'] });
  });

  it('does not decide from a report shorter than 7 days', () => {
    const flag = servedDaily('short', () => ({ on: 3 }));
    expect(codes([flag], undefined, NOW, 6)).toEqual({});
    expect(codes([flag], undefined, NOW, 7)).toEqual({ short: ['launched'] });
  });
});

describe('staleFlags: missing', () => {
  it('reports a key evaluated in the window but not in the store', () => {
    const typo: FlagUsage = {
      ...stored('new-chekout'),
      inStore: false,
      updatedAt: null,
      counts: { '': 4 },
      daily: [{ day: dayAgo(0), counts: { '': 4 } }],
    };
    const [flag] = staleFlags(report([typo]), NOW);
    expect(flag).toMatchObject({ key: 'new-chekout', inStore: false, type: null, evaluations: 4 });
    expect(flag.reasons).toEqual([
      {
        code: 'missing',
        evaluated: true,
        referenced: false,
        message: expect.stringContaining(
          `evaluated 4 times since ${dayAgo(29)} but not in the store`,
        ),
      },
    ]);
    expect(flag.reasons[0].message).toContain('fix the key in code if it is a typo');
  });

  it("counts this instance's unstored evaluations, and ignores keys with none", () => {
    const absent = (key: string, extra: Partial<FlagUsage>) => ({
      ...stored(key),
      inStore: false,
      updatedAt: null,
      ...extra,
    });
    expect(
      codes([
        absent('fresh-typo', { unflushed: { '': 1 } }),
        absent('nothing', { counts: {}, lastEvaluatedAt: iso(ago(100)) }),
      ]),
    ).toEqual({ 'fresh-typo': ['missing'] });
  });

  it('reports a key named in code but not in the store, with where', () => {
    const references = [ref('beta-dashbaord', 'src/dashboard.controller.ts', 7), ref('kept')];
    const [flag] = staleFlags(report([stored('kept')]), NOW, references);
    expect(flag).toMatchObject({
      key: 'beta-dashbaord',
      inStore: false,
      references: [references[0]],
      reasons: [{ code: 'missing', evaluated: false, referenced: true }],
    });
    expect(flag.reasons[0].message).toMatch(/^named in code but not in the store/);
  });
});

describe('staleFlags: unreferenced', () => {
  it('is only decided when code references were scanned', () => {
    const flags = [stored('a'), stored('b')];
    expect(codes(flags)).toEqual({});
    expect(codes(flags, [])).toEqual({ a: ['unreferenced'], b: ['unreferenced'] });
    expect(codes(flags, [ref('a')])).toEqual({ b: ['unreferenced'] });
  });

  it('says when evaluations show that something still uses the flag', () => {
    const [quiet, busy] = staleFlags(
      report([
        stored('a-quiet'),
        stored('b-busy', { counts: { on: 12 }, unflushed: { on: 1, off: 1 } }),
      ]),
      NOW,
      [],
    );
    expect(quiet.reasons[0].message).toMatch(/^in the store but named nowhere/);
    expect(quiet.reasons[0].message).not.toContain('yet');
    expect(busy.reasons[0]).toMatchObject({ code: 'unreferenced', evaluations: 14 });
    expect(busy.reasons[0].message).toContain('yet it was evaluated 14 times');
  });
});

describe('staleFlags: the result', () => {
  it('lists every reason of a flag in a fixed order, flags sorted by key, with references', () => {
    const references = [ref('zeta', 'a.ts', 3), ref('zeta', 'b.ts', 9)];
    const result = staleFlags(
      report([
        stored('zeta', {
          metadata: { expiresAt: '2026-01-01', staleAfterDays: 'x' },
          lastEvaluatedAt: iso(ago(50)),
        }),
        stored('alpha', { metadata: { expiresAt: '2026-01-01' } }),
        stored('clean'),
      ]),
      NOW,
      [...references, ref('alpha'), ref('clean')],
    );
    expect(result.map((flag) => [flag.key, flag.reasons.map((reason) => reason.code)])).toEqual([
      ['alpha', ['expired']],
      ['zeta', ['invalid-metadata', 'expired', 'unused']],
    ]);
    expect(result[1]).toMatchObject({
      inStore: true,
      type: 'release',
      evaluations: 0,
      lastEvaluatedAt: iso(ago(50)),
      references,
    });
  });

  it('survives odd values in a report without throwing', () => {
    const odd = {
      ...stored('odd'),
      counts: { on: 'many', off: -1 },
      daily: undefined,
      unflushed: null,
      metadata: null,
      updatedAt: 'garbage',
    } as unknown as FlagUsage;
    expect(() => staleFlags(report([odd]), NOW, [])).not.toThrow();
    expect(codes([odd], [])).toEqual({ odd: ['unreferenced'] });
  });
});
