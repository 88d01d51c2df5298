import { InvalidChangeError, type UsageCount, type UsageStore } from '../../lib';
import { AT } from './flag-store.fixtures';

/** An instant `minutes` after AT: milliseconds included, so precision loss shows. */
export const after = (minutes: number) => new Date(AT.getTime() + minutes * 60_000);

/** A usage count; by default one evaluation of `flagKey` serving "on" on 2026-11-23 at AT. */
export function counted(flagKey: string, parts: Partial<UsageCount> = {}): UsageCount {
  return { flagKey, variant: 'on', day: '2026-11-23', count: 1, lastEvaluatedAt: AT, ...parts };
}

/**
 * The usage counts every UsageStore must keep. `makeStore` returns a store over empty storage,
 * once per test.
 */
export function describeUsageStoreContract(
  name: string,
  makeStore: () => UsageStore | Promise<UsageStore>,
): void {
  describe(`${name} (UsageStore contract)`, () => {
    let store: UsageStore;

    beforeEach(async () => {
      store = await makeStore();
    });

    it('starts with no counts, and takes an empty list as nothing to add', async () => {
      await store.recordUsage([]);
      await expect(store.usage('1970-01-01')).resolves.toEqual([]);
      await expect(store.lastEvaluations()).resolves.toEqual([]);
    });

    it('adds counts of the same flag, variant and day, keeping the later evaluation', async () => {
      await store.recordUsage([
        counted('a', { count: 3, lastEvaluatedAt: after(10) }),
        counted('a', { variant: 'off', count: 2 }),
        counted('a', { variant: '', count: 1 }),
      ]);
      // Within one call too, and an earlier lastEvaluatedAt never moves the stored one back.
      await store.recordUsage([
        counted('a', { count: 4, lastEvaluatedAt: after(5) }),
        counted('a', { count: 5, lastEvaluatedAt: after(1) }),
        counted('a', { variant: 'off', count: 7, lastEvaluatedAt: after(20) }),
      ]);
      await expect(store.usage('2026-11-23')).resolves.toEqual([
        counted('a', { variant: '', count: 1 }),
        counted('a', { variant: 'off', count: 9, lastEvaluatedAt: after(20) }),
        counted('a', { count: 12, lastEvaluatedAt: after(10) }),
      ]);
    });

    it('orders by flag key, then day, then variant, by UTF-16 code units', async () => {
      const keys = ['b', 'B', 'a', 'ä', '😀', '\ufffd', 'a '];
      const days = ['2026-11-24', '2026-11-22', '2026-11-23'];
      const variants = ['on', '', 'Off', 'off'];
      const counts = keys.flatMap((flagKey, k) =>
        days.flatMap((day, d) =>
          variants.map((variant, v) => counted(flagKey, { day, variant, count: 1 + k + d + v })),
        ),
      );
      await store.recordUsage(counts);
      const compare = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
      const expected = [...counts].sort(
        (x, y) =>
          compare(x.flagKey, y.flagKey) || compare(x.day, y.day) || compare(x.variant, y.variant),
      );
      // '😀' (U+D83D U+DE00) before U+FFFD: the UTF-16 order, not UTF-8's (or a collation's).
      expect([...new Set(expected.map((count) => count.flagKey))]).toEqual([
        'B',
        'a',
        'a ',
        'b',
        'ä',
        '😀',
        '\ufffd',
      ]);
      await expect(store.usage('2000-01-01')).resolves.toEqual(expected);
    });

    it('returns the counts of the day given and later days only', async () => {
      await store.recordUsage([
        counted('a', { day: '2026-10-31' }),
        counted('a', { day: '2026-11-01' }),
        counted('a', { day: '2026-11-02' }),
        counted('b', { day: '2027-01-01' }),
      ]);
      const days = async (since: string) => (await store.usage(since)).map((count) => count.day);
      await expect(days('2026-11-01')).resolves.toEqual(['2026-11-01', '2026-11-02', '2027-01-01']);
      await expect(days('2026-11-03')).resolves.toEqual(['2027-01-01']);
      await expect(days('2027-01-02')).resolves.toEqual([]);
    });

    it('forgets the counts of days before the day given, and only those', async () => {
      await store.recordUsage([
        counted('a', { day: '2026-10-31' }),
        counted('a', { day: '2026-11-01' }),
        counted('b', { day: '2026-10-01', lastEvaluatedAt: after(-60 * 24 * 53) }),
      ]);
      await store.forgetUsage('2026-11-01');
      await expect(store.usage('2000-01-01')).resolves.toEqual([
        counted('a', { day: '2026-11-01' }),
      ]);
      await expect(store.lastEvaluations()).resolves.toEqual([
        { flagKey: 'a', lastEvaluatedAt: AT },
      ]);
      await store.forgetUsage('2026-11-01');
      await expect(store.usage('2000-01-01')).resolves.toHaveLength(1);
      await store.forgetUsage('2026-11-02');
      await expect(store.usage('2000-01-01')).resolves.toEqual([]);
    });

    it('gives the latest evaluation of each flag, over every variant and day', async () => {
      await store.recordUsage([
        counted('b', { day: '2026-11-20', lastEvaluatedAt: after(-3 * 24 * 60) }),
        counted('a', { variant: 'off', lastEvaluatedAt: after(30) }),
        counted('a', { day: '2026-11-22', lastEvaluatedAt: after(-24 * 60) }),
        counted('a', { lastEvaluatedAt: after(15) }),
      ]);
      await expect(store.lastEvaluations()).resolves.toEqual([
        { flagKey: 'a', lastEvaluatedAt: after(30) },
        { flagKey: 'b', lastEvaluatedAt: after(-3 * 24 * 60) },
      ]);
    });

    it('keeps counts past 2^31 exactly', async () => {
      const big = 2 ** 31 + 7;
      await store.recordUsage([
        counted('hot', { count: big }),
        counted('huge', { count: 2 ** 52 + 1 }),
      ]);
      await store.recordUsage([counted('hot', { count: big })]);
      const stored = await store.usage('2026-11-23');
      expect(stored.map((count) => [count.flagKey, count.count])).toEqual([
        ['hot', 2 * big],
        ['huge', 2 ** 52 + 1],
      ]);
      expect(typeof stored[0].count).toBe('number');
    });

    it('adds every count of 10 concurrent calls', async () => {
      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          store.recordUsage([
            counted('a', { count: i + 1, lastEvaluatedAt: after(i) }),
            counted('b', { variant: '', count: 1 }),
          ]),
        ),
      );
      await expect(store.usage('2026-11-23')).resolves.toEqual([
        counted('a', { count: 55, lastEvaluatedAt: after(9) }),
        counted('b', { variant: '', count: 10 }),
      ]);
    });

    it('refuses counts no store could keep, and adds none of the others', async () => {
      await store.recordUsage([counted('a', { count: 5 })]);
      const before = await store.usage('2000-01-01');
      const refused: Array<[Partial<UsageCount>, RegExp]> = [
        [{ flagKey: 'k'.repeat(256) }, /counts\[1\]\.flagKey is longer than 255 characters/],
        [{ flagKey: 'nul\u0000' }, /flagKey contains U\+0000/],
        [{ variant: 'v'.repeat(256) }, /variant of flag "a" is longer than 255 characters/],
        [{ variant: '\ud800' }, /variant of flag "a" contains an unpaired UTF-16 surrogate/],
        [{ day: '2026-1-5' }, /day must be a UTC day written YYYY-MM-DD/],
        [{ day: '2026-02-30' }, /day must be a UTC day written YYYY-MM-DD.*"2026-02-30"/],
        [{ day: '2026-11-23T00:00:00Z' }, /day must be a UTC day/],
        [{ count: 0 }, /count must be a whole number from 1 to 9007199254740991, not 0/],
        [{ count: -1 }, /count must be a whole number/],
        [{ count: 1.5 }, /count must be a whole number/],
        [{ count: Number.NaN }, /count must be a whole number/],
        [{ count: 2 ** 53 }, /count must be a whole number/],
        [{ lastEvaluatedAt: new Date(Number.NaN) }, /lastEvaluatedAt must be a valid Date/],
        [{ lastEvaluatedAt: new Date(Date.UTC(10000, 0, 1)) }, /lastEvaluatedAt must be a valid/],
      ];
      for (const [parts, message] of refused) {
        const counts = [counted('a', { count: 1 }), counted('a', parts), counted('b')];
        const error = await store.recordUsage(counts).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(InvalidChangeError);
        expect((error as Error).message).toMatch(/^Invalid usage counts: /);
        expect((error as Error).message).toMatch(message);
      }
      const overflow = [
        counted('a', { count: Number.MAX_SAFE_INTEGER }),
        counted('a', { count: 1 }),
      ];
      await expect(store.recordUsage(overflow)).rejects.toThrow(/add up past 9007199254740991/);
      await expect(store.usage('2000-01-01')).resolves.toEqual(before);
      await expect(store.lastEvaluations()).resolves.toEqual([
        { flagKey: 'a', lastEvaluatedAt: AT },
      ]);
    });

    it('refuses a day argument that is not YYYY-MM-DD', async () => {
      await expect(store.usage('2026-11')).rejects.toThrow(RangeError);
      await expect(store.usage('2026-11-31')).rejects.toThrow(
        'usage(): the day must be a UTC day written YYYY-MM-DD',
      );
      await expect(store.forgetUsage('yesterday')).rejects.toThrow(
        'forgetUsage(): the day must be a UTC day written YYYY-MM-DD',
      );
    });
  });
}
