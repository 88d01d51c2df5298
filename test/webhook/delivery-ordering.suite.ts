import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import fc from 'fast-check';
import { type ChangeRecord, FlagStore, type StoredFlagSet, parseFlagSet } from '../../lib';
import type { DatabaseTarget } from '../store/database-targets';
import {
  type Definitions,
  EMPTY_MODEL,
  type FlagSetModel,
  changedEntries,
  changesAfter,
  expectInstanceServes,
  expectStoreHolds,
  expectedChangeRows,
  fuzzParameters,
  textOf,
  withoutTimes,
} from './flag-set-model';
import { postDelivery, startSignedApp, token } from './signed-app';

/*
 * A control plane's history of valid deliveries, sent in order and then shuffled, duplicated,
 * retried and partly concurrent, with the CLI's fallback (a 409 is answered with a snapshot of the
 * flag set at that delivery's revision): every order ends in the same state.
 */

export interface OrderingRuns {
  /** Histories (fast-check runs); each is sent in order once and shuffled `shuffles` times. */
  numRuns: number;
  shuffles: number;
  /** Revisions per history: from 10 to this. */
  maxRevisions: number;
}

const DEFAULT_SEED = 20261201;

// ---------------------------------------------------------------------------------------------
// A valid history. Two evaluators exist from revision 1 on and are the only ones flags refer to;
// the others are never referred to, so any of them can be deleted.

const REFERRED = ['is-staff', 'in-eu'];
const UNREFERRED = ['spare-a', 'spare-b', 'spare-c'];
const KEYS = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'Beta', 'ünïcødé-🚩'];

const VARIANT_SETS: Array<Record<string, unknown>> = [
  { on: true, off: false },
  { red: 'red', green: 'green', blue: 'blue' },
  { low: 1, high: 1000, half: 0.5 },
  { small: { size: 1 }, large: { size: 9, tags: ['x'] } },
];

const logic = fc.constantFrom<unknown>(
  { ends_with: [{ var: 'email' }, '@example.com'] },
  { in: [{ var: 'country' }, ['DE', 'FR']] },
  { '==': [{ var: 'plan' }, 'pro'] },
  { '>=': [{ var: 'age' }, 21] },
);

const validFlag = fc
  .record({
    state: fc.constantFrom('ENABLED', 'DISABLED'),
    set: fc.nat(VARIANT_SETS.length - 1),
    defaultPick: fc.nat(3),
    rule: fc.constantFrom('none', 'ref', 'fractional', 'equals'),
    ref: fc.constantFrom(...REFERRED),
    weights: fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 3 }),
    owner: fc.option(fc.constantFrom('checkout', 'search'), { nil: undefined }),
  })
  .map(({ state, set, defaultPick, rule, ref, weights, owner }) => {
    const variants = VARIANT_SETS[set];
    const names = Object.keys(variants);
    const name = (i: number) => names[i % names.length];
    const targeting =
      rule === 'ref'
        ? { if: [{ $ref: ref }, name(defaultPick + 1), name(defaultPick)] }
        : rule === 'fractional'
          ? { fractional: weights.map((weight, i) => [name(i), weight]) }
          : rule === 'equals'
            ? { if: [{ '==': [{ var: 'email' }, 'vip@example.com'] }, name(1), null] }
            : undefined;
    return {
      state,
      variants,
      defaultVariant: name(defaultPick),
      ...(targeting === undefined ? {} : { targeting }),
      ...(owner === undefined ? {} : { metadata: { owner } }),
    };
  });

interface StepPlan {
  snapshot: boolean;
  /** A snapshot that starts from no flags rather than from the current ones. */
  fresh: boolean;
  upsert: Array<[string, unknown]>;
  delete: string[];
  evaluators: Array<[string, unknown]>;
  deleteEvaluators: string[];
  metadata: Record<string, unknown> | undefined;
}

const stepPlan: fc.Arbitrary<StepPlan> = fc.record({
  snapshot: fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, fc.constant(true)),
  fresh: fc.boolean(),
  upsert: fc.array(fc.tuple(fc.constantFrom(...KEYS), validFlag), { maxLength: 3 }),
  delete: fc.array(fc.constantFrom(...KEYS, 'never-existed'), { maxLength: 2 }),
  evaluators: fc.array(fc.tuple(fc.constantFrom(...REFERRED, ...UNREFERRED), logic), {
    maxLength: 2,
  }),
  deleteEvaluators: fc.array(fc.constantFrom(...UNREFERRED), { maxLength: 2 }),
  metadata: fc.option(fc.record({ environment: fc.constantFrom('production', 'staging') }), {
    nil: undefined,
  }),
});

/** One delivery of the history: the body that takes revision - 1 to revision. */
interface Step {
  revision: number;
  kind: 'snapshot' | 'patch';
  body: string;
  /** The flag set at this revision. */
  model: FlagSetModel;
}

function snapshotBody(model: FlagSetModel): string {
  return JSON.stringify({
    kind: 'snapshot',
    revision: model.revision,
    flags: model.flags,
    $evaluators: model.evaluators,
    ...(model.metadata === undefined ? {} : { metadata: model.metadata }),
  });
}

function without(definitions: Definitions, keys: string[]): Definitions {
  return Object.fromEntries(Object.entries(definitions).filter(([key]) => !keys.includes(key)));
}

/** The history the plans describe; revision 1 is a snapshot that defines the referred evaluators. */
function buildHistory(plans: StepPlan[], referred: unknown[]): Step[] {
  const steps: Step[] = [];
  let model: FlagSetModel = EMPTY_MODEL;
  plans.forEach((plan, index) => {
    const revision = index + 1;
    const upsert = Object.fromEntries(plan.upsert);
    const evaluators = Object.fromEntries(plan.evaluators);
    let next: FlagSetModel;
    let body: string;
    if (revision === 1 || plan.snapshot) {
      const base = plan.fresh ? {} : model.flags;
      next = {
        revision,
        flags: without({ ...base, ...upsert }, plan.delete),
        evaluators: without(
          {
            ...Object.fromEntries(REFERRED.map((name, i) => [name, referred[i]])),
            ...(plan.fresh ? {} : model.evaluators),
            ...evaluators,
          },
          plan.deleteEvaluators,
        ),
        metadata: plan.metadata,
      };
      body = snapshotBody(next);
    } else {
      next = {
        revision,
        flags: without({ ...model.flags, ...upsert }, plan.delete),
        evaluators: without({ ...model.evaluators, ...evaluators }, plan.deleteEvaluators),
        metadata: model.metadata,
      };
      body = JSON.stringify({
        kind: 'patch',
        revision,
        baseRevision: revision - 1,
        ...(plan.upsert.length === 0 ? {} : { upsert }),
        ...(plan.delete.length === 0 ? {} : { delete: plan.delete }),
        ...(plan.evaluators.length === 0 ? {} : { $evaluators: evaluators }),
        ...(plan.deleteEvaluators.length === 0 ? {} : { deleteEvaluators: plan.deleteEvaluators }),
      });
    }
    // The history is valid by construction; the library's own validation confirms it.
    const parsed = parseFlagSet({
      flags: next.flags,
      $evaluators: next.evaluators,
      ...(next.metadata === undefined ? {} : { metadata: next.metadata }),
    });
    if (!parsed.ok) {
      throw new Error(`history revision ${revision} is invalid: ${JSON.stringify(parsed.errors)}`);
    }
    // Round-trip through JSON, as the application sees it.
    model = JSON.parse(JSON.stringify(next));
    steps.push({ revision, kind: JSON.parse(body).kind, body, model });
  });
  return steps;
}

/** How one shuffled run sends the history: an order, extra copies, and concurrent batches. */
interface Schedule {
  order: number[];
  /** [step index, position]: an extra copy of that delivery (a retry or a duplicate). */
  duplicates: Array<[number, number]>;
  /** Sizes of the batches sent at once (Promise.all), used in turn. */
  batches: number[];
}

const range = (length: number) => Array.from({ length }, (_, i) => i);

/** Any order, or the right order with some deliveries overtaking a few others. */
const order = (length: number): fc.Arbitrary<number[]> =>
  fc.oneof(
    fc.shuffledSubarray(range(length), { minLength: length, maxLength: length }),
    fc
      .array(fc.tuple(fc.nat(length - 1), fc.integer({ min: 1, max: 3 })), { maxLength: length })
      .map((swaps) => {
        const sequence = range(length);
        for (const [at, by] of swaps) {
          const other = Math.min(at + by, length - 1);
          [sequence[at], sequence[other]] = [sequence[other], sequence[at]];
        }
        return sequence;
      }),
  );

const schedule = (length: number): fc.Arbitrary<Schedule> =>
  fc.record({
    order: order(length),
    duplicates: fc.array(fc.tuple(fc.nat(length - 1), fc.nat(2 * length)), { maxLength: 8 }),
    batches: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 6 }),
  });

function batchesOf({ order, duplicates, batches }: Schedule): number[][] {
  const sequence = [...order];
  for (const [step, position] of duplicates) {
    sequence.splice(position % (sequence.length + 1), 0, step);
  }
  const result: number[][] = [];
  for (let at = 0, i = 0; at < sequence.length; i++) {
    const size = batches[i % batches.length];
    result.push(sequence.slice(at, at + size));
    at += size;
  }
  return result;
}

// ---------------------------------------------------------------------------------------------

/** The whole change log applied in order, from an empty store: what it says the store holds. */
function replay(log: ChangeRecord[]) {
  const flags = new Map<string, string>();
  const evaluators = new Map<string, string>();
  let metadata: string | null = null;
  for (const change of log) {
    if (change.kind === 'metadata') {
      metadata = change.after;
      continue;
    }
    const target = change.kind === 'flag' ? flags : evaluators;
    // Each row starts from what the previous rows left.
    expect(change.before).toBe(target.get(change.key) ?? null);
    if (change.after === null) target.delete(change.key);
    else target.set(change.key, change.after);
  }
  return { flags, evaluators, metadata };
}

function expectLogIsOrdered(log: ChangeRecord[], lastRevision: number): void {
  const ids = log.map((change) => change.id);
  expect(new Set(ids).size).toBe(ids.length);
  for (let i = 1; i < log.length; i++) {
    expect(log[i].id).toBeGreaterThan(log[i - 1].id);
    expect(log[i].revision).toBeGreaterThanOrEqual(log[i - 1].revision);
  }
  expect(log.every((change) => change.revision >= 1 && change.revision <= lastRevision)).toBe(true);
}

/** The log, replayed, gives exactly the final flag set. */
function expectLogReplaysTo(log: ChangeRecord[], model: FlagSetModel): void {
  const replayed = replay(log);
  const texts = (definitions: Definitions) =>
    new Map(Object.keys(definitions).map((key) => [key, textOf(definitions, key) as string]));
  expect(replayed.flags).toEqual(texts(model.flags));
  expect(replayed.evaluators).toEqual(texts(model.evaluators));
  expect(replayed.metadata).toBe(
    model.metadata === undefined ? null : JSON.stringify(model.metadata),
  );
}

/**
 * Sends the history in order on a fresh database: every delivery applies and logs what the model
 * says. Returns what the store then holds.
 */
async function sendInOrder(target: DatabaseTarget, steps: Step[]): Promise<StoredFlagSet> {
  const last = steps[steps.length - 1].model;
  const { app, close } = await startSignedApp(target);
  try {
    const rows = [];
    let before = EMPTY_MODEL;
    for (const step of steps) {
      const jti = randomUUID();
      await postDelivery(app, step.body, token(step.body, { jti })).expect(200, {
        status: 'applied',
        revision: step.revision,
        changed: changedEntries(before, step.model),
      });
      rows.push(...expectedChangeRows(before, step.model, { actor: 'alice', deliveryId: jti }));
      before = step.model;
    }
    await expectStoreHolds(app, last);
    await expectInstanceServes(app, last);
    const store = app.get(FlagStore);
    const log = await changesAfter(store, 0);
    expectLogIsOrdered(log, last.revision);
    expect(log.map(({ id: _id, at: _at, ...row }) => row)).toEqual(rows);
    return await store.load();
  } finally {
    await close();
  }
}

/**
 * The same valid history sent in order, then shuffled with duplicates, retries and concurrent
 * deliveries, each run on a fresh database: every run converges to the in-order run's state.
 * FUZZ_SEED=<n> and FUZZ_RUNS=<n> change the seed and the number of runs.
 */
export function describeDeliveryOrdering(target: DatabaseTarget, runs: OrderingRuns): void {
  describe(`deliveries in any order on ${target.name}`, () => {
    it('converge to the in-order state, through the snapshot fallback', async () => {
      const answers = {
        applied: 0,
        unchanged: 0,
        conflict: 0,
        fallbackApplied: 0,
      };

      /** Sends one delivery as a control plane does: on 409, the snapshot at its revision. */
      async function deliver(app: INestApplication, steps: Step[], index: number): Promise<void> {
        const step = steps[index];
        const answer = await postDelivery(app, step.body);
        if (answer.status === 200) {
          if (answer.body.status === 'applied') {
            // A patch applies on the flag set of its base revision, however the store got there.
            expect(answer.body).toEqual({
              status: 'applied',
              revision: step.revision,
              changed:
                step.kind === 'patch'
                  ? changedEntries(steps[step.revision - 2].model, step.model)
                  : expect.any(Array),
            });
            answers.applied++;
          } else {
            expect(answer.body).toEqual({ status: 'unchanged', revision: expect.any(Number) });
            expect(answer.body.revision).toBeGreaterThanOrEqual(step.revision);
            answers.unchanged++;
          }
          return;
        }
        // Only a patch on a base the store has moved away from (or not reached) conflicts.
        expect({ status: answer.status, error: answer.body.error, kind: step.kind }).toEqual({
          status: 409,
          error: 'revision_conflict',
          kind: 'patch',
        });
        expect(answer.body.currentRevision).not.toBe(step.revision - 1);
        // A patch that loses a race to a newer revision may answer 409 with that newer revision
        // rather than 200 unchanged (a library bug); the fallback is then unchanged.
        expect(answer.body.currentRevision).toEqual(expect.any(Number));
        answers.conflict++;
        const fallback = await postDelivery(app, snapshotBody(step.model));
        expect(fallback.status).toBe(200);
        if (fallback.body.status === 'applied') {
          expect(fallback.body.revision).toBe(step.revision);
          answers.fallbackApplied++;
        } else {
          expect(fallback.body).toEqual({ status: 'unchanged', revision: expect.any(Number) });
          expect(fallback.body.revision).toBeGreaterThanOrEqual(step.revision);
        }
      }

      const history = fc.integer({ min: 10, max: runs.maxRevisions }).chain((length) =>
        fc.record({
          plans: fc.array(stepPlan, { minLength: length, maxLength: length }),
          referred: fc.tuple(logic, logic),
          schedules: fc.array(schedule(length), {
            minLength: runs.shuffles,
            maxLength: runs.shuffles,
          }),
        }),
      );

      const property = fc.asyncProperty(history, async ({ plans, referred, schedules }) => {
        const steps = buildHistory(plans, referred);
        const last = steps[steps.length - 1].model;

        const expected = await sendInOrder(target, steps);

        // Shuffled, duplicated, partly concurrent: the same final state.
        for (const plan of schedules) {
          const shuffled = await startSignedApp(target);
          try {
            for (const batch of batchesOf(plan)) {
              await Promise.all(batch.map((index) => deliver(shuffled.app, steps, index)));
            }
            const store = shuffled.app.get(FlagStore);
            expect(withoutTimes(await store.load())).toEqual(withoutTimes(expected));
            await expectStoreHolds(shuffled.app, last);
            await expectInstanceServes(shuffled.app, last);
            const log = await changesAfter(store, 0);
            expectLogIsOrdered(log, last.revision);
            expectLogReplaysTo(log, last);
          } finally {
            await shuffled.close();
          }
        }
      });

      await fc.assert(property, fuzzParameters(DEFAULT_SEED, runs.numRuns));

      // The shuffles did make deliveries conflict and fall back, and arrive late.
      expect(answers.conflict).toBeGreaterThan(0);
      expect(answers.fallbackApplied).toBeGreaterThan(0);
      expect(answers.unchanged).toBeGreaterThan(0);
    }, 600_000);
  });
}
