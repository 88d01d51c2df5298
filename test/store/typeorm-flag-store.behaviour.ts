import { DataSource } from 'typeorm';
import { FlagTablesMissingError, type FlagStore, TypeOrmFlagStore } from '../../lib';
import { FlagDeliveryEntity } from '../../lib/entities';
import type { DatabaseTarget, TestDatabase } from './database-targets';
import { AT, change, customerListFlag, flag, contentsOf } from './flag-store.fixtures';

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function withTimeZone<T>(zone: string, body: () => Promise<T>): Promise<T> {
  const previous = process.env.TZ;
  process.env.TZ = zone;
  try {
    return await body();
  } finally {
    if (previous === undefined) delete process.env.TZ;
    else process.env.TZ = previous;
  }
}

/** What only the TypeORM store can show: real transactions, real drivers. */
export function describeTypeOrmStoreBehaviour(
  target: DatabaseTarget,
  database: () => TestDatabase,
  makeStore: () => Promise<FlagStore>,
): void {
  describe(`TypeOrmFlagStore on ${target.name}`, () => {
    let store: FlagStore;

    beforeEach(async () => {
      store = await makeStore();
    });

    it('keeps nothing of a change the database refuses part way, and passes its error on', async () => {
      const { dataSource } = database();
      const failing = target.failingChangeLog(database());
      const run = async (statements: string[]) => {
        for (const statement of statements) await dataSource.query(statement);
      };
      const second = change(1, {
        upsertFlags: [flag('a', 'off'), flag('b')],
        upsertEvaluators: [{ key: 'e', definition: '{}' }],
        metadata: '{"v":2}',
        delivery: { id: 'jti-x', expiresAt: AT },
      });

      await run(failing.install);
      try {
        // The first write ever: not even the state row may remain.
        // The driver's own error passes through; it may come from another realm, so no toThrow.
        await expect(store.apply(change(0, { upsertFlags: [flag('a')] }))).rejects.toMatchObject({
          message: expect.stringContaining('flags test: change log refused'),
        });
        await expect(store.state()).resolves.toEqual({
          revision: 0,
          checksum: '',
          updatedAt: null,
        });
      } finally {
        await run(failing.remove);
      }

      await store.apply(change(0, { upsertFlags: [flag('a')], metadata: '{"v":1}' }));
      const before = await contentsOf(store);
      await run(failing.install);
      try {
        const error = await store.apply(second).catch((caught: unknown) => caught);
        expect(error).not.toBeInstanceOf(FlagTablesMissingError);
        expect((error as Error).message).toContain('flags test: change log refused');
      } finally {
        await run(failing.remove);
      }
      await expect(contentsOf(store)).resolves.toEqual(before);
      await expect(store.apply(second)).resolves.toMatchObject({ status: 'applied' });
    });

    it('reads instants back exactly, whatever the process time zone', async () => {
      // The hour New York repeats on 1 November 2026: 01:30 EDT, then 01:30 EST.
      const edt = new Date('2026-11-01T05:30:00.123Z');
      const est = new Date('2026-11-01T06:30:00.456Z');
      await withTimeZone('America/New_York', async () => {
        await store.apply(change(0, { upsertFlags: [flag('a')], at: edt }));
        await store.apply(change(1, { upsertFlags: [flag('a', 'off')], at: est }));
      });
      await withTimeZone('Asia/Kolkata', async () => {
        await expect(store.state()).resolves.toMatchObject({ updatedAt: est });
        expect((await store.changes(0, 10)).map((record) => record.at)).toEqual([edt, est]);
      });
    });

    it('lets exactly one change win across two DataSources on the same database', async () => {
      const other = await database().open();
      try {
        const stores = [store, new TypeOrmFlagStore(other)];
        const outcomes = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            stores[i % 2].apply(change(0, { upsertFlags: [flag(`racer-${i}`)] })),
          ),
        );
        const statuses = outcomes.map((outcome) => outcome.status).sort();
        expect(statuses).toEqual(['applied', ...Array(9).fill('conflict')]);
        await expect(stores[1].load()).resolves.toMatchObject({ revision: 1 });
      } finally {
        await other.destroy();
      }
    });

    it('never writes inside a transaction of the host', async () => {
      const { dataSource } = database();
      if (target.name === 'SQLite') {
        // One connection for everything: the change waits for the host's transaction to end,
        // rather than becoming part of it.
        const host = dataSource.createQueryRunner();
        await host.startTransaction();
        await host.query('SELECT 1');
        let settled = false;
        const applying = store
          .apply(change(0, { upsertFlags: [flag('a')] }))
          .finally(() => (settled = true));
        await delay(50);
        expect(settled).toBe(false);
        await host.rollbackTransaction();
        await host.release();
        await expect(applying).resolves.toMatchObject({ status: 'applied' });
      } else {
        await expect(
          dataSource.transaction(async (manager) => {
            await manager.query('SELECT 1');
            await store.apply(change(0, { upsertFlags: [flag('a')] }));
            throw new Error('the host rolls back');
          }),
        ).rejects.toThrow('the host rolls back');
      }
      expect((await store.load()).flags).toEqual([{ ...flag('a'), updatedAt: AT }]);
    });

    const { lockWaits } = target;
    if (lockWaits !== undefined) {
      it('reports a delivery another writer records at the same moment as replayed', async () => {
        const { dataSource } = database();
        const other = dataSource.createQueryRunner();
        await other.startTransaction();
        await other.manager.insert(FlagDeliveryEntity, {
          id: 'jti',
          receivedAt: AT,
          expiresAt: AT,
        });
        const applying = store.apply(
          change(0, { upsertFlags: [flag('a')], delivery: { id: 'jti', expiresAt: AT } }),
        );
        // Once the store's insert of the delivery waits for the other transaction's row, its own
        // check has passed, and only the unique violation can tell it the delivery was seen.
        let waiting = false;
        try {
          for (let waited = 0; waited < 5000 && !waiting; waited += 10) {
            const [{ n }] = await dataSource.query(lockWaits);
            waiting = Number(n) > 0;
            if (!waiting) await delay(10);
          }
        } finally {
          await other.commitTransaction();
          await other.release();
        }
        expect(waiting).toBe(true);
        await expect(applying).resolves.toEqual({ status: 'replayed' });
        await expect(store.load()).resolves.toMatchObject({ revision: 0, flags: [] });
      });
    }

    it('says so when the DataSource is not initialized', async () => {
      const closed = new TypeOrmFlagStore(new DataSource(database().dataSource.options));
      await expect(closed.state()).rejects.toThrow('the DataSource is not initialized');
    });

    it('stores a definition of 5 MiB, the most a delivery carries, and its replacement', async () => {
      // The largest statement is the change-log row holding both texts, which the MySQL driver
      // escapes: 11 MB here, within MariaDB's default max_allowed_packet (16 MiB).
      const first = customerListFlag(134_400, 'first');
      const second = customerListFlag(134_400, 'second');
      expect(Buffer.byteLength(first)).toBeGreaterThan(5_200_000);
      expect(Buffer.byteLength(first)).toBeLessThanOrEqual(5 * 1024 * 1024);
      await store.apply(change(0, { upsertFlags: [{ key: 'beta', definition: first }] }));
      await store.apply(change(1, { upsertFlags: [{ key: 'beta', definition: second }] }));
      const [stored] = (await store.load()).flags;
      expect(stored.definition === second).toBe(true);
      const [, replaced] = await store.changes(0, 10);
      expect(replaced.before === first && replaced.after === second).toBe(true);
    });
  });
}
