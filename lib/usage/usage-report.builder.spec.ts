import type { StoredFlagSet } from '../ports/flag-store';
import { windowStart } from '../staleness/utc-days';
import { buildUsageReport } from './usage-report.builder';

const NOW = new Date('2026-12-01T10:00:00Z');
const at = (text: string) => new Date(text);

function stored(overrides: Partial<StoredFlagSet> = {}): StoredFlagSet {
  return {
    revision: 3,
    checksum: 'c',
    updatedAt: at('2026-11-20T00:00:00Z'),
    evaluators: [],
    metadata: JSON.stringify({ owner: 'shop', type: 'release' }),
    flags: [
      {
        key: 'theme',
        definition: JSON.stringify({ state: 'ENABLED', metadata: { type: 'permission' } }),
        updatedAt: at('2026-11-20T00:00:00Z'),
      },
      { key: 'beta', definition: '{"state":"ENABLED"}', updatedAt: at('2026-10-01T00:00:00Z') },
      { key: 'damaged', definition: '{"state', updatedAt: at('2026-10-01T00:00:00Z') },
    ],
    ...overrides,
  };
}

describe('buildUsageReport', () => {
  it('starts the window days - 1 UTC days before today', () => {
    expect(windowStart(NOW, 1)).toBe('2026-12-01');
    expect(windowStart(NOW, 30)).toBe('2026-11-02');
  });

  it('reports every stored flag and every key counted, sorted, with counts by variant and day', () => {
    const report = buildUsageReport({
      stored: stored(),
      counts: [
        { flagKey: 'beta', variant: 'off', day: '2026-11-30', count: 2, lastEvaluatedAt: NOW },
        { flagKey: 'beta', variant: 'on', day: '2026-11-30', count: 5, lastEvaluatedAt: NOW },
        { flagKey: 'beta', variant: 'on', day: '2026-12-01', count: 1, lastEvaluatedAt: NOW },
        { flagKey: 'gone', variant: '', day: '2026-12-01', count: 4, lastEvaluatedAt: NOW },
      ],
      lastEvaluations: [
        { flagKey: 'beta', lastEvaluatedAt: at('2026-12-01T09:59:00Z') },
        { flagKey: 'gone', lastEvaluatedAt: at('2026-12-01T09:00:00Z') },
      ],
      unflushed: new Map<string, Record<string, number>>([
        ['theme', { dark: 3 }],
        ['typo', { '': 1 }],
      ]),
      now: NOW,
      days: 30,
      flushIntervalMs: 60_000,
    });
    expect(report).toMatchObject({
      generatedAt: '2026-12-01T10:00:00.000Z',
      since: '2026-11-02',
      days: 30,
      flushIntervalMs: 60_000,
    });
    expect(report.flags.map((flag) => flag.key)).toEqual([
      'beta',
      'damaged',
      'gone',
      'theme',
      'typo',
    ]);
    const [beta, damaged, gone, theme, typo] = report.flags;
    expect(beta).toEqual({
      key: 'beta',
      inStore: true,
      updatedAt: '2026-10-01T00:00:00.000Z',
      // The flag set's metadata, under the flag's own (none here).
      metadata: { owner: 'shop', type: 'release' },
      lastEvaluatedAt: '2026-12-01T09:59:00.000Z',
      counts: { off: 2, on: 6 },
      daily: [
        { day: '2026-11-30', counts: { off: 2, on: 5 } },
        { day: '2026-12-01', counts: { on: 1 } },
      ],
      unflushed: {},
    });
    // A row that is not JSON still appears: with the flag set's metadata only.
    expect(damaged.metadata).toEqual({ owner: 'shop', type: 'release' });
    expect(gone).toMatchObject({
      inStore: false,
      updatedAt: null,
      metadata: {},
      counts: { '': 4 },
    });
    expect(theme).toMatchObject({
      metadata: { owner: 'shop', type: 'permission' },
      lastEvaluatedAt: null,
      unflushed: { dark: 3 },
    });
    expect(typo).toMatchObject({ inStore: false, counts: {}, unflushed: { '': 1 } });
  });
});
