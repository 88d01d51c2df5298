import {
  type ChangeDecision,
  type DeliveryLedger,
  type FlagStore,
  InvalidChangeError,
} from '../../lib';
import { STORE_LIMITS } from '../../lib/ports/store-limits';
import { AT, change, customerListFlag, flag, largeText, contentsOf } from './flag-store.fixtures';

const statuses = (outcomes: ChangeDecision[]) => outcomes.map((outcome) => outcome.status).sort();

/**
 * The behaviour every FlagStore must have. `makeStore` returns a store over empty storage, once
 * per test.
 */
export function describeFlagStoreContract(
  name: string,
  makeStore: () => FlagStore | Promise<FlagStore>,
): void {
  describe(`${name} (FlagStore contract)`, () => {
    let store: FlagStore;

    beforeEach(async () => {
      store = await makeStore();
    });

    it('starts empty: revision 0, checksum "", nothing stored', async () => {
      await expect(store.state()).resolves.toEqual({ revision: 0, checksum: '', updatedAt: null });
      await expect(store.load()).resolves.toEqual({
        revision: 0,
        checksum: '',
        updatedAt: null,
        metadata: null,
        flags: [],
        evaluators: [],
      });
      await expect(store.changes(0, 100)).resolves.toEqual([]);
    });

    it('returns every definition byte for byte, sorted by key', async () => {
      const definitions = [
        { key: 'unicode', definition: '{"n":"é 中文 😀 \\u00e9 \\u2028","rtl":"שלום"}' },
        { key: 'layout', definition: '{\n\t"state" :  "ENABLED" ,\r\n  "x": 1.50e+2 }  ' },
        { key: 'Case', definition: '{"k":"Case"}' },
        { key: 'case', definition: '{"k":"case"}' },
        { key: 'case ', definition: '{"k":"case + trailing space"}' },
        { key: 'cafe\u0301', definition: '{"k":"decomposed"}' },
        { key: 'café', definition: '{"k":"composed"}' },
        { key: '😀'.repeat(255), definition: '{"k":"255 astral characters"}' },
        { key: '', definition: '{}' },
      ];
      const at = new Date(Date.UTC(2031, 0, 2, 3, 4, 5, 999));
      const outcome = await store.apply(
        change(0, {
          revision: 5,
          checksum: 'a'.repeat(64),
          upsertFlags: definitions,
          upsertEvaluators: [{ key: 'Is-Staff', definition: '{"in":["x",["é"]]}' }],
          at,
        }),
      );
      const sortedKeys = definitions.map((d) => d.key).sort();
      expect(outcome).toEqual({
        status: 'applied',
        changed: [...sortedKeys, '$evaluators/Is-Staff'],
      });
      const loaded = await store.load();
      expect(loaded.flags).toEqual(
        sortedKeys.map((key) => ({ ...definitions.find((d) => d.key === key), updatedAt: at })),
      );
      expect(loaded.evaluators).toEqual([
        { key: 'Is-Staff', definition: '{"in":["x",["é"]]}', updatedAt: at },
      ]);
      expect(loaded).toMatchObject({ revision: 5, checksum: 'a'.repeat(64), updatedAt: at });
      await expect(store.state()).resolves.toEqual({
        revision: 5,
        checksum: 'a'.repeat(64),
        updatedAt: at,
      });
    });

    it('round-trips a large definition exactly', async () => {
      const text = largeText(1024 * 1024);
      await store.apply(change(0, { upsertFlags: [{ key: 'large', definition: text }] }));
      const [stored] = (await store.load()).flags;
      expect(stored.definition.length).toBe(text.length);
      expect(stored.definition === text).toBe(true);
      const [record] = await store.changes(0, 10);
      expect(record.after === text).toBe(true);
    });

    it('round-trips a targeting list of 30,000 customer ids (1.1 MiB), and its replacement', async () => {
      const first = customerListFlag(30_000, 'first');
      const second = customerListFlag(30_000, 'second');
      expect(Buffer.byteLength(first)).toBeGreaterThan(1024 * 1024);
      await store.apply(change(0, { upsertFlags: [{ key: 'beta', definition: first }] }));
      await store.apply(change(1, { upsertFlags: [{ key: 'beta', definition: second }] }));
      // Compared with ===: a failing toEqual would print megabytes.
      const [stored] = (await store.load()).flags;
      expect(stored.definition === second).toBe(true);
      const [created, replaced] = await store.changes(0, 10);
      expect(created.after === first).toBe(true);
      expect(replaced.before === first && replaced.after === second).toBe(true);
    });

    it('refuses a definition or metadata over 16 MiB (counted in UTF-8 bytes), before writing', async () => {
      // 8,388,607 two-byte characters and two quotes: one byte over, though far fewer characters.
      const over = `"${'é'.repeat((STORE_LIMITS.textBytes - 1) / 2)}"`;
      await expect(
        store.apply(change(0, { upsertFlags: [{ key: 'big', definition: over }] })),
      ).rejects.toThrow(
        `the definition of flag "big" is ${STORE_LIMITS.textBytes + 1} bytes, over the ` +
          `${STORE_LIMITS.textBytes} a store holds`,
      );
      await expect(store.apply(change(0, { metadata: over }))).rejects.toThrow(InvalidChangeError);
      await expect(store.state()).resolves.toEqual({ revision: 0, checksum: '', updatedAt: null });
    });

    it('refuses a stale base revision and writes nothing', async () => {
      await expect(store.apply(change(3, { upsertFlags: [flag('a')] }))).resolves.toEqual({
        status: 'conflict',
        currentRevision: 0,
      });
      await expect(store.state()).resolves.toEqual({ revision: 0, checksum: '', updatedAt: null });

      await store.apply(change(0, { upsertFlags: [flag('a')], metadata: '{"v":1}' }));
      const before = await contentsOf(store);
      const stale = change(0, {
        upsertFlags: [flag('a', 'off'), flag('b')],
        deleteFlags: [],
        metadata: '{"v":2}',
        delivery: { id: 'late', expiresAt: AT },
      });
      await expect(store.apply(stale)).resolves.toEqual({ status: 'conflict', currentRevision: 1 });
      await expect(contentsOf(store)).resolves.toEqual(before);
      // A refused change does not use up its delivery id.
      await expect(store.apply({ ...stale, baseRevision: 1, revision: 2 })).resolves.toMatchObject({
        status: 'applied',
      });
    });

    it('refuses a delivery seen before, whatever its base revision, and writes nothing', async () => {
      const first = change(0, {
        upsertFlags: [flag('a')],
        delivery: { id: 'jti-1', expiresAt: AT },
      });
      await expect(store.apply(first)).resolves.toMatchObject({ status: 'applied' });
      const before = await contentsOf(store);

      await expect(store.apply(first)).resolves.toEqual({ status: 'replayed' });
      const next = change(1, {
        upsertFlags: [flag('b')],
        metadata: '{}',
        delivery: { id: 'jti-1', expiresAt: AT },
      });
      await expect(store.apply(next)).resolves.toEqual({ status: 'replayed' });
      await expect(contentsOf(store)).resolves.toEqual(before);

      const fresh = { ...next, delivery: { id: 'jti-2', expiresAt: AT } };
      await expect(store.apply(fresh)).resolves.toMatchObject({ status: 'applied' });
    });

    it('logs one record per definition whose text changed, oldest first', async () => {
      const t1 = new Date(Date.UTC(2026, 0, 1, 0, 0, 0, 1));
      const t2 = new Date(Date.UTC(2026, 0, 2, 0, 0, 0, 2));
      await store.apply(
        change(0, {
          upsertFlags: [flag('b'), flag('a')],
          upsertEvaluators: [{ key: 'staff', definition: '{"var":"email"}' }],
          metadata: '{"owner":"payments"}',
          actor: 'alice',
          delivery: { id: 'jti-1', expiresAt: t2 },
          at: t1,
        }),
      );
      const second = await store.apply(
        change(1, {
          upsertFlags: [flag('a', 'off'), flag('b')],
          deleteFlags: ['missing'],
          deleteEvaluators: ['staff'],
          metadata: '{"owner":"payments"}',
          at: t2,
        }),
      );
      expect(second).toEqual({ status: 'applied', changed: ['a', '$evaluators/staff'] });

      const records = await store.changes(0, 100);
      const common1 = { revision: 1, actor: 'alice', deliveryId: 'jti-1', at: t1 };
      const common2 = { revision: 2, actor: null, deliveryId: null, at: t2 };
      expect(records.map(({ id: _id, ...rest }) => rest)).toEqual([
        { ...common1, kind: 'flag', key: 'a', before: null, after: flag('a').definition },
        { ...common1, kind: 'flag', key: 'b', before: null, after: flag('b').definition },
        { ...common1, kind: 'evaluator', key: 'staff', before: null, after: '{"var":"email"}' },
        { ...common1, kind: 'metadata', key: '', before: null, after: '{"owner":"payments"}' },
        {
          ...common2,
          kind: 'flag',
          key: 'a',
          before: flag('a').definition,
          after: flag('a', 'off').definition,
        },
        { ...common2, kind: 'evaluator', key: 'staff', before: '{"var":"email"}', after: null },
      ]);
      const ids = records.map((record) => record.id);
      expect(ids).toEqual([...ids].sort((x, y) => x - y));
      expect(new Set(ids).size).toBe(ids.length);

      await expect(store.changes(ids[1], 2)).resolves.toEqual(records.slice(2, 4));
      await expect(store.changes(ids[5], 10)).resolves.toEqual([]);
      await expect(store.changes(0, 0)).resolves.toEqual([]);
      await expect(store.changes(-1, 10)).rejects.toThrow(RangeError);
    });

    it('deletes flags and evaluators, and ignores deletes of missing ones', async () => {
      await store.apply(
        change(0, {
          upsertFlags: [flag('a'), flag('b'), flag('c')],
          upsertEvaluators: [
            { key: 'x', definition: '{}' },
            { key: 'y', definition: '[]' },
          ],
        }),
      );
      const outcome = await store.apply(
        change(1, { deleteFlags: ['a', 'c', 'nope'], deleteEvaluators: ['y', 'nope'] }),
      );
      expect(outcome).toEqual({ status: 'applied', changed: ['a', 'c', '$evaluators/y'] });
      const loaded = await store.load();
      expect(loaded.flags.map((f) => f.key)).toEqual(['b']);
      expect(loaded.evaluators).toEqual([{ key: 'x', definition: '{}', updatedAt: AT }]);
      expect(loaded.revision).toBe(2);
    });

    it('keeps, replaces and clears the metadata', async () => {
      await store.apply(change(0, { metadata: '{"a":1}' }));
      expect((await store.load()).metadata).toBe('{"a":1}');
      await store.apply(change(1, { upsertFlags: [flag('a')] }));
      expect((await store.load()).metadata).toBe('{"a":1}');
      await store.apply(change(2, { metadata: null }));
      expect((await store.load()).metadata).toBeNull();
      const kinds = (await store.changes(0, 10)).map((r) => [r.kind, r.before, r.after]);
      expect(kinds).toEqual([
        ['metadata', null, '{"a":1}'],
        ['flag', null, flag('a').definition],
        ['metadata', '{"a":1}', null],
      ]);
    });

    it('moves the revision even when no definition changed', async () => {
      await store.apply(change(0, { upsertFlags: [flag('a')] }));
      const outcome = await store.apply(change(1, { revision: 9, upsertFlags: [flag('a')] }));
      expect(outcome).toEqual({ status: 'applied', changed: [] });
      await expect(store.state()).resolves.toMatchObject({ revision: 9, checksum: 'checksum-2' });
      expect(await store.changes(0, 10)).toHaveLength(1);
    });

    it('lets exactly one of 10 concurrent changes on the same base win', async () => {
      const race = (base: number) =>
        Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            store.apply(
              change(base, {
                revision: base + 1,
                upsertFlags: [flag(`racer-${base}-${i}`)],
                delivery: { id: `race-${base}-${i}`, expiresAt: AT },
              }),
            ),
          ),
        );
      for (const base of [0, 1]) {
        const outcomes = await race(base);
        expect(statuses(outcomes)).toEqual(['applied', ...Array(9).fill('conflict')]);
        for (const outcome of outcomes) {
          if (outcome.status === 'conflict') expect(outcome.currentRevision).toBe(base + 1);
        }
      }
      const loaded = await store.load();
      expect(loaded.revision).toBe(2);
      expect(loaded.flags).toHaveLength(2);
      expect(await store.changes(0, 100)).toHaveLength(2);
    });

    it('lets exactly one of 10 concurrent uses of one delivery id through', async () => {
      const outcomes = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          store.apply(
            change(0, {
              upsertFlags: [flag(`copy-${i}`)],
              delivery: { id: 'same', expiresAt: AT },
            }),
          ),
        ),
      );
      expect(statuses(outcomes)).toEqual(['applied', ...Array(9).fill('replayed')]);
      expect((await store.load()).flags).toHaveLength(1);
    });

    it('lists the change log after a revision, oldest first, up to a limit', async () => {
      await store.apply(change(0, { upsertFlags: [flag('a'), flag('b')] }));
      await store.apply(change(1, { upsertFlags: [flag('a', 'off')], deleteFlags: ['b'] }));
      await store.apply(change(2, { upsertFlags: [flag('c')] }));
      const since1 = await store.changesSince(1, 100);
      expect(since1.map(({ revision, key, after }) => [revision, key, after === null])).toEqual([
        [2, 'a', false],
        [2, 'b', true],
        [3, 'c', false],
      ]);
      expect((await store.changesSince(1, 2)).map((record) => record.key)).toEqual(['a', 'b']);
      await expect(store.changesSince(3, 100)).resolves.toEqual([]);
      expect(await store.changesSince(0, 100)).toEqual(await store.changes(0, 100));
    });

    it('forgets the change-log entries recorded before an instant, and keeps the rest', async () => {
      const day = (n: number) => new Date(Date.UTC(2026, 0, n, 12, 0, 0, 7));
      await store.apply(
        change(0, { upsertFlags: [flag('a'), flag('b')], metadata: '{"v":1}', at: day(1) }),
      );
      await store.apply(change(1, { upsertFlags: [flag('a', 'off')], at: day(2) }));
      await store.apply(change(2, { upsertFlags: [flag('c')], at: day(3) }));
      const loaded = await store.load();
      const all = await store.changes(0, 100);
      expect(all.map((record) => [record.revision, record.key])).toEqual([
        [1, 'a'],
        [1, 'b'],
        [1, ''],
        [2, 'a'],
        [3, 'c'],
      ]);

      // Strictly before: the entry recorded at the instant itself stays.
      await store.forgetChanges(day(2));
      const kept = all.slice(3);
      await expect(store.changes(0, 100)).resolves.toEqual(kept);
      await expect(store.changes(kept[0].id, 100)).resolves.toEqual(kept.slice(1));
      await expect(store.changesSince(0, 100)).resolves.toEqual(kept);
      await expect(store.changesSince(2, 100)).resolves.toEqual(kept.slice(1));
      // The definitions stay, b and the metadata too, whose only entries went.
      await expect(store.load()).resolves.toEqual(loaded);

      // Every entry, the newest included; ids are not handed out again, so pages stay right.
      await store.forgetChanges(day(10));
      await expect(store.changes(0, 100)).resolves.toEqual([]);
      await expect(store.changesSince(0, 100)).resolves.toEqual([]);
      await expect(store.state()).resolves.toMatchObject({ revision: 3 });
      await store.apply(change(3, { upsertFlags: [flag('d')], at: day(11) }));
      const [next] = await store.changes(0, 100);
      expect(next).toMatchObject({ revision: 4, key: 'd' });
      expect(next.id).toBeGreaterThan(all[all.length - 1].id);

      await expect(store.forgetChanges(new Date(Number.NaN))).rejects.toThrow(RangeError);
    });

    it('forgets more entries than one batch of the TypeORM store deletes (1,000)', async () => {
      const old = new Date(Date.UTC(2026, 0, 1));
      const recent = new Date(Date.UTC(2026, 6, 1));
      const keys = Array.from({ length: 2_500 }, (_, i) => `flag-${String(i).padStart(4, '0')}`);
      await store.apply(change(0, { upsertFlags: keys.map((key) => flag(key)), at: old }));
      await store.apply(change(1, { upsertFlags: [flag(keys[0], 'off')], at: recent }));
      await store.forgetChanges(recent);
      const left = await store.changes(0, 10_000);
      expect(left.map((record) => [record.revision, record.key])).toEqual([[2, keys[0]]]);
      expect((await store.load()).flags).toHaveLength(2_500);
    });

    it('remembers a delivery id once, shared with the deliveries that changes carry', async () => {
      // Every store here is its own DeliveryLedger too.
      const ledger = store as FlagStore & DeliveryLedger;
      const until = new Date(AT.getTime() + 60_000);
      await expect(ledger.rememberDelivery({ id: 'read-1', expiresAt: until }, AT)).resolves.toBe(
        true,
      );
      await expect(ledger.rememberDelivery({ id: 'read-1', expiresAt: until }, AT)).resolves.toBe(
        false,
      );
      await expect(
        store.apply(
          change(0, { upsertFlags: [flag('a')], delivery: { id: 'read-1', expiresAt: until } }),
        ),
      ).resolves.toEqual({ status: 'replayed' });
      await store.apply(
        change(0, { upsertFlags: [flag('a')], delivery: { id: 'jti-1', expiresAt: until } }),
      );
      await expect(ledger.rememberDelivery({ id: 'jti-1', expiresAt: until }, AT)).resolves.toBe(
        false,
      );
      // Remembering changes no flag, revision or change log.
      expect((await store.state()).revision).toBe(1);
      expect(await store.changes(0, 100)).toHaveLength(1);
    });

    it('applies nothing of a change that fails part way', async () => {
      await store.apply(change(0, { upsertFlags: [flag('a')], metadata: '{"v":1}' }));
      const before = await contentsOf(store);
      const failing = change(1, {
        upsertFlags: [flag('a', 'off'), flag('b')],
        deleteFlags: [],
        upsertEvaluators: [{ key: 'e'.repeat(256), definition: '{}' }],
        metadata: '{"v":2}',
        delivery: { id: 'jti-failing', expiresAt: AT },
      });
      await expect(store.apply(failing)).rejects.toThrow(/longer than 255 characters/);
      await expect(contentsOf(store)).resolves.toEqual(before);
      // Nothing was recorded: the same delivery, fixed, still applies.
      const fixed = { ...failing, upsertEvaluators: [{ key: 'e', definition: '{}' }] };
      await expect(store.apply(fixed)).resolves.toMatchObject({ status: 'applied' });
    });

    it('refuses changes no store could apply exactly', async () => {
      const refuse = (parts: Parameters<typeof change>[1]) =>
        expect(store.apply(change(0, parts))).rejects.toThrow(RangeError);
      await refuse({ revision: 0 });
      await refuse({ upsertFlags: [flag('a'), flag('a')] });
      await refuse({ upsertFlags: [flag('a')], deleteFlags: ['a'] });
      await refuse({ upsertFlags: [{ key: 'nul\u0000', definition: '{}' }] });
      await refuse({ upsertFlags: [{ key: 'a', definition: '{"x":"\ud800"}' }] });
      await refuse({ checksum: 'f'.repeat(65) });
      await refuse({ actor: 'x'.repeat(256) });
      await refuse({ at: new Date(Number.NaN) });
      await expect(store.state()).resolves.toEqual({ revision: 0, checksum: '', updatedAt: null });
    });
    it('tells when each definition last changed, moved only by a change to its text', async () => {
      const t1 = new Date(Date.UTC(2026, 0, 1, 0, 0, 0, 1));
      const t2 = new Date(Date.UTC(2026, 0, 2, 0, 0, 0, 2));
      const t3 = new Date(Date.UTC(2026, 0, 3, 0, 0, 0, 3));
      await store.apply(
        change(0, {
          upsertFlags: [flag('a'), flag('b'), flag('c')],
          upsertEvaluators: [
            { key: 'x', definition: '{}' },
            { key: 'y', definition: '[]' },
          ],
          at: t1,
        }),
      );
      await store.apply(
        change(1, {
          upsertFlags: [flag('a', 'off'), flag('b')],
          upsertEvaluators: [
            { key: 'x', definition: '{}' },
            { key: 'y', definition: '[1]' },
          ],
          metadata: '{"v":2}',
          at: t2,
        }),
      );
      // Deleted and created again: a new definition.
      await store.apply(change(2, { deleteFlags: ['c'], at: t3 }));
      await store.apply(change(3, { upsertFlags: [flag('c')], at: t3 }));

      const loaded = await store.load();
      const when = (entries: Array<{ key: string; updatedAt?: Date }>) =>
        entries.map(({ key, updatedAt }) => [key, updatedAt]);
      expect(when(loaded.flags)).toEqual([
        ['a', t2],
        ['b', t1],
        ['c', t3],
      ]);
      expect(when(loaded.evaluators)).toEqual([
        ['x', t1],
        ['y', t2],
      ]);
      expect(loaded.updatedAt).toEqual(t3);
      for (const entry of [...loaded.flags, ...loaded.evaluators]) {
        expect(entry.updatedAt).toBeInstanceOf(Date);
      }
    });
  });
}
