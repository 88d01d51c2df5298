import { DataSource } from 'typeorm';
import { TypeOrmFlagStore, type UsageCount } from '../../lib';
import type { DatabaseTarget, TestDatabase } from './database-targets';
import { after, counted } from './flag-usage.contract';

/** A small deterministic generator (mulberry32), so a failing interleaving can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** What the counts add up to: totals and latest evaluations per flag, variant and day. */
function expectedTotals(flushes: UsageCount[][]): UsageCount[] {
  const totals = new Map<string, UsageCount>();
  for (const count of flushes.flat()) {
    const key = JSON.stringify([count.flagKey, count.day, count.variant]);
    const seen = totals.get(key);
    totals.set(
      key,
      seen === undefined
        ? { ...count }
        : {
            ...seen,
            count: seen.count + count.count,
            lastEvaluatedAt:
              seen.lastEvaluatedAt > count.lastEvaluatedAt
                ? seen.lastEvaluatedAt
                : count.lastEvaluatedAt,
          },
    );
  }
  return [...totals.keys()].sort().map((key) => totals.get(key) as UsageCount);
}

/** What only the TypeORM store can show about usage: instances sharing one database. */
export function describeTypeOrmUsageBehaviour(
  target: DatabaseTarget,
  database: () => TestDatabase,
  makeStore: () => Promise<TypeOrmFlagStore>,
): void {
  describe(`TypeOrmFlagStore usage on ${target.name}`, () => {
    let store: TypeOrmFlagStore;

    beforeEach(async () => {
      store = await makeStore();
    });

    it('adds up exactly what two instances on two DataSources record at once', async () => {
      const other = await database().open();
      try {
        const stores = [store, new TypeOrmFlagStore(other)];
        const next = random(20261123);
        const flags = ['checkout', 'Checkout', 'search', 'é', 'banner'];
        const variants = ['on', 'off', ''];
        const days = ['2026-11-22', '2026-11-23'];
        // Each flush counts most of the same rows, in an order of its own, as instances do.
        const flushes = Array.from({ length: 40 }, (_, i) =>
          flags
            .flatMap((flagKey) =>
              variants.flatMap((variant) =>
                days.map((day) =>
                  counted(flagKey, {
                    variant,
                    day,
                    count: 1 + Math.floor(next() * 1000),
                    lastEvaluatedAt: after(i + Math.floor(next() * 10)),
                  }),
                ),
              ),
            )
            .filter(() => next() < 0.8)
            .sort(() => next() - 0.5),
        );
        await Promise.all(flushes.map((counts, i) => stores[i % 2].recordUsage(counts)));

        const sorted = (counts: UsageCount[]) =>
          [...counts].sort((a, b) => {
            const key = (c: UsageCount) => JSON.stringify([c.flagKey, c.day, c.variant]);
            return key(a) < key(b) ? -1 : 1;
          });
        expect(sorted(await stores[1].usage('2026-11-22'))).toEqual(expectedTotals(flushes));
        expect(sorted(await stores[0].usage('2026-11-22'))).toEqual(expectedTotals(flushes));
      } finally {
        await other.destroy();
      }
    });

    it('keeps the counts when an instance restarts, and adds to them afterwards', async () => {
      const first = await database().open();
      await new TypeOrmFlagStore(first).recordUsage([
        counted('a', { count: 2 ** 31 }),
        counted('a', { variant: '', count: 3, lastEvaluatedAt: after(1) }),
      ]);
      await first.destroy();

      const second = await database().open();
      try {
        const restarted = new TypeOrmFlagStore(second);
        await expect(restarted.usage('2026-11-23')).resolves.toEqual([
          counted('a', { variant: '', count: 3, lastEvaluatedAt: after(1) }),
          counted('a', { count: 2 ** 31 }),
        ]);
        await restarted.recordUsage([counted('a', { count: 1, lastEvaluatedAt: after(2) })]);
        await expect(store.usage('2026-11-23')).resolves.toEqual([
          counted('a', { variant: '', count: 3, lastEvaluatedAt: after(1) }),
          counted('a', { count: 2 ** 31 + 1, lastEvaluatedAt: after(2) }),
        ]);
      } finally {
        await second.destroy();
      }
    });

    it('writes counts of many rows in several statements of one transaction', async () => {
      const counts = Array.from({ length: 250 }, (_, i) =>
        counted(`flag-${String(i).padStart(3, '0')}`, { count: i + 1 }),
      );
      await store.recordUsage(counts);
      await store.recordUsage(counts);
      const stored = await store.usage('2026-11-23');
      expect(stored).toHaveLength(250);
      expect(stored.map((count) => count.count)).toEqual(counts.map((count) => 2 * count.count));
    });

    it('records no counts at all when the database refuses part of them', async () => {
      const { dataSource } = database();
      const failing = target.failingUsage(database());
      const run = async (statements: string[]) => {
        for (const statement of statements) await dataSource.query(statement);
      };
      await store.recordUsage([counted('flag-000', { count: 5 })]);
      // 'refused' sorts last: the database refuses it in the second statement, after the first
      // one wrote 100 rows.
      const counts = [
        counted('refused'),
        ...Array.from({ length: 150 }, (_, i) => counted(`flag-${String(i).padStart(3, '0')}`)),
      ];
      await run(failing.install);
      try {
        await expect(store.recordUsage(counts)).rejects.toMatchObject({
          message: expect.stringContaining('flags test: usage refused'),
        });
      } finally {
        await run(failing.remove);
      }
      await expect(store.usage('2026-11-23')).resolves.toEqual([counted('flag-000', { count: 5 })]);
      await store.recordUsage(counts);
      await expect(store.usage('2026-11-23')).resolves.toHaveLength(151);
    });

    it('takes an empty list without touching the database', async () => {
      const closed = new TypeOrmFlagStore(new DataSource(database().dataSource.options));
      await expect(closed.recordUsage([])).resolves.toBeUndefined();
      await expect(closed.usage('2026-11-23')).rejects.toThrow('the DataSource is not initialized');
    });
  });
}
