import { CommitAnnouncer } from '../core/commit-announcer';
import { FlagState } from '../core/flag-state';
import { evaluate } from '../evaluation';
import { InMemoryFlagStore } from '../store/in-memory-flag.store';
import { type Delivery, parseDelivery } from './delivery';
import { DeliveryApplier } from './delivery-applier';

const flag = (on: boolean, targeting?: unknown) => ({
  state: 'ENABLED',
  variants: { on: true, off: false },
  defaultVariant: on ? 'on' : 'off',
  ...(targeting === undefined ? {} : { targeting }),
});

let counter = 0;
const sender = (sub?: string) => ({
  jti: `jti-${++counter}`,
  acceptedUntil: 2_000_000_000,
  ...(sub ? { sub } : {}),
});

function delivery(body: unknown): Delivery {
  const parsed = parseDelivery(body);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.delivery;
}

function setup() {
  const store = new InMemoryFlagStore();
  const state = new FlagState();
  return { store, state, applier: new DeliveryApplier(store, state, new CommitAnnouncer()) };
}

const SNAPSHOT = {
  kind: 'snapshot',
  revision: 1,
  flags: { a: flag(true), b: flag(false, { if: [{ $ref: 'staff' }, 'on', 'off'] }) },
  $evaluators: { staff: { ends_with: [{ var: 'email' }, '@example.com'] } },
};

describe('DeliveryApplier', () => {
  it('applies a snapshot, records who sent it, and serves it at once', async () => {
    const { store, state, applier } = setup();
    await expect(applier.apply(delivery(SNAPSHOT), sender('alice'))).resolves.toEqual({
      status: 'applied',
      revision: 1,
      changed: expect.arrayContaining(['a', 'b']),
    });
    expect(state.served).toMatchObject({ source: 'store', revision: 1 });
    expect(evaluate(state.served.flagSet, 'b', false, { email: 'x@example.com' }).value).toBe(true);
    expect((await store.state()).revision).toBe(1);
    const log = await store.changes(0, 100);
    expect(log.every((record) => record.actor === 'alice' && record.deliveryId !== null)).toBe(
      true,
    );
  });

  it('answers unchanged to a delivery that is not newer', async () => {
    const { applier } = setup();
    await applier.apply(delivery(SNAPSHOT), sender());
    await expect(applier.apply(delivery(SNAPSHOT), sender())).resolves.toEqual({
      status: 'unchanged',
      revision: 1,
    });
  });

  it('applies a patch on the current revision, merging it into the stored flags', async () => {
    const { state, applier } = setup();
    await applier.apply(delivery(SNAPSHOT), sender());
    const patch = {
      kind: 'patch',
      revision: 2,
      baseRevision: 1,
      upsert: { c: flag(true) },
      delete: ['a'],
    };
    await expect(applier.apply(delivery(patch), sender())).resolves.toEqual({
      status: 'applied',
      revision: 2,
      changed: ['a', 'c'],
    });
    expect([...state.served.flagSet.keys()].sort()).toEqual(['b', 'c']);
  });

  it('refuses a patch on another revision with the current one', async () => {
    const { applier } = setup();
    await applier.apply(delivery(SNAPSHOT), sender());
    const stale = { kind: 'patch', revision: 5, baseRevision: 3, upsert: {} };
    await expect(applier.apply(delivery(stale), sender())).resolves.toEqual({
      status: 'conflict',
      currentRevision: 1,
    });
  });

  it('refuses a patch that breaks another flag, writing nothing', async () => {
    const { store, state, applier } = setup();
    await applier.apply(delivery(SNAPSHOT), sender());
    const breaking = { kind: 'patch', revision: 2, baseRevision: 1, deleteEvaluators: ['staff'] };
    const outcome = await applier.apply(delivery(breaking), sender());
    expect(outcome).toMatchObject({
      status: 'invalid',
      details: [{ path: '/flags/b/targeting/if/0/$ref' }],
    });
    expect((await store.state()).revision).toBe(1);
    expect(state.served.revision).toBe(1);
  });

  it('changes nothing for a replayed delivery id', async () => {
    const { store, applier } = setup();
    const once = sender();
    await applier.apply(delivery(SNAPSHOT), once);
    await expect(applier.apply(delivery({ ...SNAPSHOT, revision: 2 }), once)).resolves.toEqual({
      status: 'replayed',
    });
    expect((await store.state()).revision).toBe(1);
  });

  it('lets exactly one of many concurrent patches on the same base win, leaving no gap in the log', async () => {
    const { store, applier } = setup();
    await applier.apply(delivery(SNAPSHOT), sender());
    const patches = Array.from({ length: 20 }, (_, i) => ({
      kind: 'patch',
      revision: 2,
      baseRevision: 1,
      upsert: { [`f${i}`]: flag(true) },
    }));
    const outcomes = await Promise.all(
      patches.map((patch) => applier.apply(delivery(patch), sender())),
    );
    expect(outcomes.filter((outcome) => outcome.status === 'applied')).toHaveLength(1);
    expect(
      outcomes
        .filter((outcome) => outcome.status !== 'applied')
        .every((outcome) => outcome.status === 'conflict' || outcome.status === 'unchanged'),
    ).toBe(true);
    const revisions = (await store.changes(0, 1000)).map((record) => record.revision);
    expect(new Set(revisions)).toEqual(new Set([1, 2]));
  });
});

describe('parseDelivery', () => {
  it.each([
    [[], ''],
    [{ kind: 'replace' }, '/kind'],
    [{ kind: 'snapshot', revision: -1, flags: {} }, '/revision'],
    [{ kind: 'snapshot', revision: 1 }, '/flags'],
    [{ kind: 'snapshot', revision: 1, flags: {}, extra: 1 }, '/extra'],
    [{ kind: 'patch', revision: 1, baseRevision: 1 }, '/revision'],
    [{ kind: 'patch', revision: 2, baseRevision: 1, delete: 'a' }, '/delete'],
  ])('refuses %j, pointing at %s', (body, path) => {
    const parsed = parseDelivery(body);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.errors.map((error) => error.path)).toContain(path);
  });
});

describe('DeliveryApplier under concurrent snapshots', () => {
  it('plans a snapshot again when another writer got there first', async () => {
    const { store, applier } = setup();
    await applier.apply(delivery(SNAPSHOT), sender());
    const outcomes = await Promise.all([
      applier.apply(delivery({ ...SNAPSHOT, revision: 5 }), sender()),
      applier.apply(delivery({ ...SNAPSHOT, revision: 7, flags: { a: flag(false) } }), sender()),
    ]);
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(
      expect.arrayContaining(['applied']),
    );
    expect(outcomes.every((outcome) => outcome.status !== 'conflict')).toBe(true);
    expect((await store.state()).revision).toBe(7);
  });

  it('deletes a key a patch both upserts and deletes, flag or evaluator', async () => {
    const { store, applier } = setup();
    await applier.apply(delivery(SNAPSHOT), sender());
    const patch = {
      kind: 'patch',
      revision: 2,
      baseRevision: 1,
      upsert: { c: flag(true) },
      delete: ['c'],
      $evaluators: { other: { '==': [1, 1] } },
      deleteEvaluators: ['other'],
    };
    await expect(applier.apply(delivery(patch), sender())).resolves.toEqual({
      status: 'applied',
      revision: 2,
      changed: [],
    });
    const stored = await store.load();
    expect(stored.flags.map((entry) => entry.key)).toEqual(['a', 'b']);
    expect(stored.evaluators.map((entry) => entry.key)).toEqual(['staff']);
  });

  describe('with rows the store holds but cannot be read (edited by hand, damaged)', () => {
    /** A store at revision 1 whose flag "broken" and flag set metadata are not JSON. */
    async function damaged() {
      const state = setup();
      await state.store.apply({
        baseRevision: 0,
        revision: 1,
        checksum: 'f'.repeat(64),
        metadata: '{"owner": ',
        upsertFlags: [
          { key: 'a', definition: JSON.stringify(flag(true)) },
          { key: 'broken', definition: '{"state": "ENAB' },
        ],
        deleteFlags: [],
        upsertEvaluators: [],
        deleteEvaluators: [],
        at: new Date(),
      });
      return state;
    }

    it('refuses a patch that would keep the row, naming it, and writes nothing', async () => {
      const { store, applier } = await damaged();
      const patch = { kind: 'patch', revision: 2, baseRevision: 1, upsert: { a: flag(false) } };
      await expect(applier.apply(delivery(patch), sender())).resolves.toEqual({
        status: 'invalid',
        details: [{ path: '/metadata', message: expect.stringMatching(/send a snapshot/) }],
      });
      expect((await store.state()).revision).toBe(1);
    });

    it('applies a snapshot, which reads no stored row and replaces them all', async () => {
      const { store, state, applier } = await damaged();
      await expect(
        applier.apply(delivery({ ...SNAPSHOT, revision: 2 }), sender()),
      ).resolves.toMatchObject({ status: 'applied', revision: 2 });
      const stored = await store.load();
      expect(stored.flags.map((entry) => entry.key)).toEqual(['a', 'b']);
      expect(stored.metadata).toBeNull();
      expect(state.served.revision).toBe(2);
    });

    it('names the damaged flag once the metadata is readable, and merges a patch replacing it', async () => {
      const { store, applier } = await damaged();
      await applier.apply(
        delivery({ kind: 'snapshot', revision: 2, flags: { a: flag(true) } }),
        sender(),
      );
      await store.apply({
        baseRevision: 2,
        revision: 3,
        checksum: 'f'.repeat(64),
        upsertFlags: [{ key: 'broken', definition: 'not json' }],
        deleteFlags: [],
        upsertEvaluators: [],
        deleteEvaluators: [],
        at: new Date(),
      });
      const keeping = { kind: 'patch', revision: 4, baseRevision: 3, upsert: { a: flag(false) } };
      await expect(applier.apply(delivery(keeping), sender())).resolves.toEqual({
        status: 'invalid',
        details: [
          {
            path: '/flags/broken',
            message: expect.stringMatching(/stored definition of flag "broken" is not valid JSON/),
          },
        ],
      });
      const replacing = {
        kind: 'patch',
        revision: 4,
        baseRevision: 3,
        upsert: { broken: flag(true) },
      };
      await expect(applier.apply(delivery(replacing), sender())).resolves.toMatchObject({
        status: 'applied',
        changed: ['broken'],
      });
    });
  });
});
