import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import fc from 'fast-check';
import { FlagStore, type ValidationError, parseFlagSet } from '../../lib';
import type { DatabaseTarget } from '../store/database-targets';
import {
  type Definitions,
  type FlagSetModel,
  changedEntries,
  changesAfter,
  checksumOf,
  expectInstanceEvaluates,
  expectInstanceServes,
  expectStoreHolds,
  expectedChangeRows,
  fuzzParameters,
  modelOf,
} from './flag-set-model';
import { type SignedApp, postDelivery, startSignedApp, token } from './signed-app';

/*
 * Random deliveries, each correctly signed, against a model of the protocol (docs/protocol.md):
 * the model predicts every answer, and the store must hold exactly what the model holds.
 */

export interface FuzzRuns {
  /** Sequences of deliveries (fast-check runs). */
  numRuns: number;
  /** The longest sequence; lengths are uniform from 1 to this. */
  maxDeliveries: number;
}

const DEFAULT_SEED = 20261130;

/**
 * Inputs the engine accepts but no store can hold (keys too long or not storable as text,
 * numbers JSON cannot represent, revisions past a 32-bit int): refused 400 like any invalid
 * delivery. `FUZZ_STORE_LIMITS=0` leaves them out.
 */
const STORE_LIMITS = process.env.FUZZ_STORE_LIMITS !== '0';
/** The largest revision a store holds (a signed 32-bit int). */
const MAX_REVISION = 2_147_483_647;
/** A variant value written into the body as 1e400, which JSON.parse reads as Infinity. */
const HUGE_NUMBER = '__number_1e400__';

// ---------------------------------------------------------------------------------------------
// Plans: deliveries described relative to the revision they are sent at.

type RevisionAt = 'zero' | 'stale' | 'equal' | 'next' | 'skip' | 'far' | 'limit';
interface RevisionPlan {
  at: RevisionAt;
  by: number;
}
/** `previous`: revision - 1, what a control plane sends; the others are wrong or stale bases. */
type BaseAt = 'previous' | 'current' | 'stale' | 'ahead';

type TargetingPlan =
  | { rule: 'ref'; evaluator: string; then: number; otherwise: number }
  | { rule: 'equals'; value: string; then: number }
  | { rule: 'fractional'; weights: number[]; bucketBy: boolean }
  | { rule: 'literal'; logic: unknown };

interface FlagPlan {
  state: unknown;
  variants: Record<string, unknown>;
  /** A number picks a variant by index; anything else is used as is; undefined omits it. */
  defaultVariant: number | string | null | undefined;
  targeting?: TargetingPlan;
  metadata?: unknown;
  extra?: Record<string, unknown>;
}

type Entries = Array<[string, unknown]>;

interface SnapshotPlan {
  kind: 'snapshot';
  revision: RevisionPlan;
  /** Start from the flags and evaluators held now (a snapshot from an up-to-date control plane). */
  keepCurrent: boolean;
  flags: Array<[string, FlagPlan | unknown]>;
  evaluators?: Entries;
  metadata?: unknown;
  schema: boolean;
}

interface PatchPlan {
  kind: 'patch';
  revision: RevisionPlan;
  base: { at: BaseAt; by: number };
  upsert?: Array<[string, FlagPlan | unknown]>;
  delete?: string[];
  evaluators?: Entries;
  deleteEvaluators?: string[];
}

/** A delivery whose envelope is broken by `breakWith`, or a body that is no delivery at all. */
type MalformedPlan =
  | { kind: 'malformed'; of: SnapshotPlan | PatchPlan; breakWith: number }
  | { kind: 'raw'; body: string };

type DeliveryPlan = SnapshotPlan | PatchPlan | MalformedPlan;

// ---------------------------------------------------------------------------------------------
// Arbitraries.

const COMMON_KEYS = ['alpha', 'beta', 'gamma', 'delta'];
const ODD_KEYS = [
  'Beta',
  'beta ',
  ' beta',
  'flag with spaces',
  'ünïcødé-🚩',
  'a/b~0c',
  'dots.and:colons',
  'x'.repeat(255),
  '🚩'.repeat(255),
  '0',
  '$ref',
  'toString',
  'hasOwnProperty',
  '',
  'constructor',
  '__proto__',
  'prototype',
  ...(STORE_LIMITS ? ['k'.repeat(256), 'nul\u0000key', 'lone\ud800surrogate'] : []),
];
const COMMON_EVALUATORS = ['is-staff', 'in-eu', 'pro-plan'];
const ODD_EVALUATORS = [
  'Is-Staff',
  'with space',
  'e'.repeat(255),
  '',
  'constructor',
  '__proto__',
  ...(STORE_LIMITS ? ['e'.repeat(256), 'lone\udc00'] : []),
];

const flagKey = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...COMMON_KEYS) },
  { weight: 1, arbitrary: fc.constantFrom(...ODD_KEYS) },
);
const evaluatorName = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...COMMON_EVALUATORS) },
  { weight: 1, arbitrary: fc.constantFrom(...ODD_EVALUATORS, 'missing') },
);

const evaluatorLogic: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.constantFrom<unknown>(
      { ends_with: [{ var: 'email' }, '@example.com'] },
      { in: [{ var: 'country' }, ['DE', 'FR', 'NL']] },
      { '==': [{ var: 'plan' }, 'pro'] },
      { '>=': [{ var: 'age' }, 18] },
      { sem_ver: [{ var: 'version' }, '>=', '1.2.0'] },
      { starts_with: [{ var: 'email' }, 'admin'] },
    ),
  },
  // A $ref from one evaluator to another: sometimes unknown, sometimes a cycle.
  {
    weight: 2,
    arbitrary: evaluatorName.map((name) => ({ and: [{ $ref: name }, { '!': [{ var: 'off' }] }] })),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom<unknown>(
      { no_such_operator: [1] },
      'just text',
      [1, 2],
      42,
      null,
      { $ref: 'missing' },
      { var: [] },
      { if: [] },
    ),
  },
);

const variantValue = fc.oneof(
  fc.boolean(),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom<unknown>(null, { nested: [1, { deep: true }] }, [1, 'two']),
  ...(STORE_LIMITS ? [fc.constant(HUGE_NUMBER)] : []),
);

const variants: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ on: true, off: false }) },
  { weight: 2, arbitrary: fc.constant({ red: 'red', green: 'green', blue: 'blue' }) },
  { weight: 1, arbitrary: fc.constant({ low: 1, high: 1e6, negative: -0.5, zero: -0 }) },
  {
    weight: 1,
    arbitrary: fc.constant({ small: { size: 1, tags: ['a'] }, large: { size: 9, tags: [] } }),
  },
  {
    weight: 2,
    arbitrary: fc.dictionary(
      fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom('on', 'off', 'a', 'b') },
        fc.string({ unit: 'binary', minLength: 1, maxLength: 4 }),
        fc.constantFrom('', '__proto__', 'constructor'),
      ),
      variantValue,
      { maxKeys: 4 },
    ),
  },
);

const targeting: fc.Arbitrary<TargetingPlan> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      rule: fc.constant('ref' as const),
      evaluator: evaluatorName,
      then: fc.nat(5),
      otherwise: fc.nat(5),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      rule: fc.constant('equals' as const),
      value: fc.string({ maxLength: 6 }),
      then: fc.nat(5),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      rule: fc.constant('fractional' as const),
      weights: fc.array(
        fc.oneof(
          { weight: 9, arbitrary: fc.nat(100) },
          { weight: 1, arbitrary: fc.integer({ min: -5, max: -1 }) },
        ),
        { minLength: 1, maxLength: 4 },
      ),
      bucketBy: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      rule: fc.constant('literal' as const),
      logic: fc.constantFrom<unknown>(
        {},
        null,
        'not logic',
        [1],
        { no_such_operator: [] },
        { if: [true, 'no-such-variant', null] },
        { $ref: 'missing' },
      ),
    }),
  },
);

/** `arbitrary` in `percent` of the cases, else undefined (the field is left out). */
const sometimes = <T>(percent: number, arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.oneof(
    { weight: 100 - percent, arbitrary: fc.constant(undefined) },
    { weight: percent, arbitrary },
  );

const metadata: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ team: 'checkout', ticket: 42, internal: true }) },
  {
    weight: 2,
    arbitrary: fc.dictionary(
      fc.string({ maxLength: 5 }),
      fc.oneof(fc.string({ maxLength: 5 }), fc.integer(), fc.boolean()),
      { maxKeys: 3 },
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom<unknown>({ nested: { no: 1 } }, [], 'text', null) },
);

const flagPlan: fc.Arbitrary<FlagPlan> = fc.record({
  state: fc.oneof(
    { weight: 20, arbitrary: fc.constantFrom('ENABLED', 'DISABLED') },
    { weight: 1, arbitrary: fc.constantFrom<unknown>('ON', true, undefined) },
  ),
  variants,
  defaultVariant: fc.oneof(
    { weight: 10, arbitrary: fc.nat(5) },
    { weight: 1, arbitrary: fc.constantFrom('no-such-variant', null, '', undefined) },
  ),
  targeting: sometimes(50, targeting),
  metadata: sometimes(15, metadata),
  extra: sometimes(3, fc.constant({ description: 'an unknown property' })),
});
// Mostly flags; sometimes something that is not a flag at all.
const flagOrJunk: fc.Arbitrary<FlagPlan | unknown> = fc.oneof(
  { weight: 20, arbitrary: flagPlan },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(42, null, 'ENABLED', [], {}) },
);

const revisionPlan: fc.Arbitrary<RevisionPlan> = fc.record({
  at: fc.oneof(
    { weight: 12, arbitrary: fc.constant<RevisionAt>('next') },
    { weight: 3, arbitrary: fc.constant<RevisionAt>('skip') },
    { weight: 2, arbitrary: fc.constantFrom<RevisionAt>('equal', 'stale') },
    { weight: 1, arbitrary: fc.constantFrom<RevisionAt>('zero', 'far') },
    ...(STORE_LIMITS ? [{ weight: 1, arbitrary: fc.constant<RevisionAt>('limit') }] : []),
  ),
  by: fc.integer({ min: 1, max: 5 }),
});

const entries = <T>(key: fc.Arbitrary<string>, value: fc.Arbitrary<T>, maxLength: number) =>
  fc.array(fc.tuple(key, value), { maxLength });

const snapshotPlan: fc.Arbitrary<SnapshotPlan> = fc.record({
  kind: fc.constant('snapshot' as const),
  revision: revisionPlan,
  keepCurrent: fc.oneof({ weight: 2, arbitrary: fc.constant(true) }, fc.constant(false)),
  flags: entries(flagKey, flagOrJunk, 5),
  evaluators: sometimes(70, entries(evaluatorName, evaluatorLogic, 3)),
  metadata: sometimes(30, metadata),
  schema: fc.boolean(),
});

const patchPlan: fc.Arbitrary<PatchPlan> = fc.record({
  kind: fc.constant('patch' as const),
  revision: revisionPlan,
  base: fc.record({
    at: fc.oneof(
      { weight: 10, arbitrary: fc.constant<BaseAt>('previous') },
      { weight: 2, arbitrary: fc.constant<BaseAt>('current') },
      { weight: 1, arbitrary: fc.constantFrom<BaseAt>('stale', 'ahead') },
    ),
    by: fc.integer({ min: 1, max: 3 }),
  }),
  upsert: sometimes(80, entries(flagKey, flagOrJunk, 3)),
  delete: sometimes(
    30,
    fc.array(fc.oneof(flagKey, fc.constant('never-existed')), { maxLength: 2 }),
  ),
  evaluators: sometimes(30, entries(evaluatorName, evaluatorLogic, 2)),
  deleteEvaluators: sometimes(15, fc.array(evaluatorName, { maxLength: 2 })),
});

type Body = Record<string, unknown>;
/** Ways to break an envelope: each makes any delivery invalid, whatever its revision. */
const BREAKS: Array<(body: Body) => unknown> = [
  ({ kind: _kind, ...rest }) => rest,
  (body) => ({ ...body, kind: 'replace' }),
  (body) => ({ ...body, kind: body.kind === 'patch' ? 'snapshot' : 'patch' }),
  (body) => ({ ...body, unknownField: 1 }),
  (body) => ({ ...body, revision: -1 }),
  (body) => ({ ...body, revision: 1.5 }),
  (body) => ({ ...body, revision: String(body.revision) }),
  (body) => ({ ...body, revision: null }),
  (body) => ({ ...body, revision: 2 ** 53 }),
  ({ revision: _revision, ...rest }) => rest,
  (body) => ({ ...body, $evaluators: [] }),
  (body) =>
    body.kind === 'patch'
      ? { ...body, upsert: [] }
      : { ...body, flags: Object.entries(body.flags as object) },
  (body) => (body.kind === 'patch' ? { ...body, delete: 'alpha' } : { ...body, metadata: 'prod' }),
  (body) =>
    body.kind === 'patch' ? { ...body, deleteEvaluators: [1] } : { ...body, metadata: null },
  (body) =>
    body.kind === 'patch'
      ? { ...body, baseRevision: body.revision }
      : (({ flags: _flags, ...rest }) => rest)(body),
  (body) => [body],
];

const malformedPlan: fc.Arbitrary<MalformedPlan> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('malformed' as const),
      of: fc.oneof(snapshotPlan, patchPlan),
      breakWith: fc.nat(BREAKS.length - 1),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('raw' as const),
      body: fc.constantFrom(
        '',
        '{',
        '{"kind":"snapshot",}',
        '[]',
        'null',
        '42',
        '"snapshot"',
        '{}',
      ),
    }),
  },
);

const deliveryPlan: fc.Arbitrary<DeliveryPlan> = fc.oneof(
  { weight: 6, arbitrary: patchPlan },
  { weight: 3, arbitrary: snapshotPlan },
  { weight: 1, arbitrary: malformedPlan },
);

// ---------------------------------------------------------------------------------------------
// From plan to body, against the revision and flags held now.

function resolveRevision({ at, by }: RevisionPlan, current: number): number {
  switch (at) {
    case 'zero':
      return 0;
    case 'stale':
      return Math.max(0, current - by);
    case 'equal':
      return current;
    case 'next':
      return current + 1;
    case 'skip':
      return current + 1 + by;
    case 'far':
      return current + 10_000 * by;
    case 'limit':
      return 2 ** 31 + by;
  }
}

function resolveBase({ at, by }: PatchPlan['base'], current: number, revision: number): number {
  switch (at) {
    case 'current':
      return current;
    case 'stale':
      return Math.max(0, current - by);
    case 'ahead':
      return current + by;
    case 'previous':
      return Math.max(0, revision - 1);
  }
}

const pick = (names: string[], index: number) =>
  names.length === 0 ? 'none' : names[index % names.length];

function buildTargeting(plan: TargetingPlan, names: string[]): unknown {
  switch (plan.rule) {
    case 'ref':
      return {
        if: [{ $ref: plan.evaluator }, pick(names, plan.then), pick(names, plan.otherwise)],
      };
    case 'equals':
      return { if: [{ '==': [{ var: 'email' }, plan.value] }, pick(names, plan.then), null] };
    case 'fractional': {
      const buckets = plan.weights.map((weight, i) => [pick(names, i), weight]);
      const by = { cat: [{ var: '$flagd.flagKey' }, { var: 'email' }] };
      return { fractional: plan.bucketBy ? [by, ...buckets] : buckets };
    }
    case 'literal':
      return plan.logic;
  }
}

const isFlagPlan = (value: unknown): value is FlagPlan =>
  typeof value === 'object' && value !== null && 'variants' in value && 'defaultVariant' in value;

function buildFlag(plan: FlagPlan | unknown): unknown {
  if (!isFlagPlan(plan)) return plan;
  const names = Object.keys(plan.variants);
  return {
    state: plan.state,
    variants: plan.variants,
    ...(plan.defaultVariant === undefined
      ? {}
      : {
          defaultVariant:
            typeof plan.defaultVariant === 'number'
              ? pick(names, plan.defaultVariant)
              : plan.defaultVariant,
        }),
    ...(plan.targeting === undefined ? {} : { targeting: buildTargeting(plan.targeting, names) }),
    ...(plan.metadata === undefined ? {} : { metadata: plan.metadata }),
    ...plan.extra,
  };
}

const flagsOf = (entries: Array<[string, unknown]>) =>
  Object.fromEntries(entries.map(([key, plan]) => [key, buildFlag(plan)]));

function buildEnvelope(plan: SnapshotPlan | PatchPlan, model: FlagSetModel): Body {
  const revision = resolveRevision(plan.revision, model.revision);
  if (plan.kind === 'snapshot') {
    const evaluators = plan.evaluators && Object.fromEntries(plan.evaluators);
    return {
      ...(plan.schema ? { $schema: 'https://flagd.dev/schema/v0/flags.json' } : {}),
      kind: 'snapshot',
      revision,
      flags: plan.keepCurrent ? { ...model.flags, ...flagsOf(plan.flags) } : flagsOf(plan.flags),
      ...(plan.keepCurrent
        ? { $evaluators: { ...model.evaluators, ...evaluators } }
        : evaluators === undefined
          ? {}
          : { $evaluators: evaluators }),
      ...(plan.metadata === undefined ? {} : { metadata: plan.metadata }),
    };
  }
  return {
    kind: 'patch',
    revision,
    baseRevision: resolveBase(plan.base, model.revision, revision),
    ...(plan.upsert === undefined ? {} : { upsert: flagsOf(plan.upsert) }),
    ...(plan.delete === undefined ? {} : { delete: plan.delete }),
    ...(plan.evaluators === undefined ? {} : { $evaluators: Object.fromEntries(plan.evaluators) }),
    ...(plan.deleteEvaluators === undefined ? {} : { deleteEvaluators: plan.deleteEvaluators }),
  };
}

function buildBody(plan: DeliveryPlan, model: FlagSetModel): string {
  switch (plan.kind) {
    case 'raw':
      return plan.body;
    case 'malformed':
      return JSON.stringify(BREAKS[plan.breakWith](buildEnvelope(plan.of, model)));
    default:
      return JSON.stringify(buildEnvelope(plan, model)).replaceAll(
        JSON.stringify(HUGE_NUMBER),
        '1e400',
      );
  }
}

// ---------------------------------------------------------------------------------------------
// The model: what the protocol says the application answers, and what it then holds.

type Expected =
  | {
      status: 200;
      body: { status: 'applied'; revision: number; changed: string[] };
      next: FlagSetModel;
    }
  | { status: 200; body: { status: 'unchanged'; revision: number } }
  | { status: 409; body: { error: 'revision_conflict'; currentRevision: number } }
  | { status: 400; error: 'invalid_delivery'; details?: ValidationError[] };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isRevision = (value: unknown): value is number =>
  Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) <= MAX_REVISION;
const optional = (value: unknown, check: (value: unknown) => boolean) =>
  value === undefined || check(value);
const isNames = (value: unknown) =>
  Array.isArray(value) && value.every((name) => typeof name === 'string');

const SNAPSHOT_FIELDS = ['kind', 'revision', 'flags', '$evaluators', 'metadata', '$schema'];
const PATCH_FIELDS = [
  'kind',
  'revision',
  'baseRevision',
  'upsert',
  'delete',
  '$evaluators',
  'deleteEvaluators',
];

/** The envelope rules of docs/protocol.md, written out independently of the library. */
function envelopeIsValid(body: unknown): body is Body {
  if (!isObject(body)) return false;
  const fields =
    body.kind === 'snapshot' ? SNAPSHOT_FIELDS : body.kind === 'patch' ? PATCH_FIELDS : [];
  if (fields.length === 0 || Object.keys(body).some((field) => !fields.includes(field)))
    return false;
  if (!isRevision(body.revision) || !optional(body.$evaluators, isObject)) return false;
  if (body.kind === 'snapshot') return isObject(body.flags) && optional(body.metadata, isObject);
  return (
    isRevision(body.baseRevision) &&
    body.revision > body.baseRevision &&
    optional(body.upsert, isObject) &&
    optional(body.delete, isNames) &&
    optional(body.deleteEvaluators, isNames)
  );
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Whether a database column can hold every name, and JSON every number, of a flag set. */
function storable(next: FlagSetModel): boolean {
  const names = [...Object.keys(next.flags), ...Object.keys(next.evaluators)];
  const nameFits = (name: string) =>
    [...name].length <= 255 && !name.includes('\u0000') && !/\p{Cs}/u.test(name);
  const finite = (value: unknown): boolean =>
    typeof value === 'number'
      ? Number.isFinite(value)
      : typeof value === 'object' && value !== null
        ? Object.values(value).every(finite)
        : true;
  return names.every(nameFits) && finite(next.flags) && finite(next.evaluators);
}

function predict(model: FlagSetModel, text: string): Expected {
  const body = parseBody(text);
  if (!envelopeIsValid(body)) return { status: 400, error: 'invalid_delivery' };
  const revision = body.revision as number;
  if (revision <= model.revision) {
    return { status: 200, body: { status: 'unchanged', revision: model.revision } };
  }
  if (body.kind === 'patch' && body.baseRevision !== model.revision) {
    return {
      status: 409,
      body: { error: 'revision_conflict', currentRevision: model.revision },
    };
  }
  let next: FlagSetModel;
  if (body.kind === 'snapshot') {
    next = {
      revision,
      flags: body.flags as Definitions,
      evaluators: (body.$evaluators as Definitions | undefined) ?? {},
      metadata: body.metadata as Record<string, unknown> | undefined,
    };
  } else {
    const flags = { ...model.flags, ...(body.upsert as Definitions | undefined) };
    for (const key of (body.delete as string[] | undefined) ?? []) delete flags[key];
    const evaluators = { ...model.evaluators, ...(body.$evaluators as Definitions | undefined) };
    for (const name of (body.deleteEvaluators as string[] | undefined) ?? []) {
      delete evaluators[name];
    }
    next = { revision, flags, evaluators, metadata: model.metadata };
  }
  const parsed = parseFlagSet({
    flags: next.flags,
    $evaluators: next.evaluators,
    ...(next.metadata === undefined ? {} : { metadata: next.metadata }),
  });
  if (!parsed.ok) return { status: 400, error: 'invalid_delivery', details: parsed.errors };
  if (!storable(next)) return { status: 400, error: 'invalid_delivery' };
  return {
    status: 200,
    body: { status: 'applied', revision, changed: changedEntries(model, next) },
    next,
  };
}

const sortedDetails = (details: ValidationError[]) =>
  details.map(({ path, message }) => `${path}: ${message}`).sort();

// ---------------------------------------------------------------------------------------------

type Outcome = 'applied' | 'unchanged' | 'conflict' | 'invalid';

/** The answer is the one the model predicts, and never a 5xx. */
function expectAnswer(answer: { status: number; body: any }, expected: Expected): Outcome {
  expect(answer.status).toBeLessThan(500);
  if (expected.status === 400) {
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe(expected.error);
    expect(Array.isArray(answer.body.details)).toBe(true);
    expect(answer.body.details.length).toBeGreaterThan(0);
    // Refused for the reasons the library's own validation gives (in any order: the application
    // lists stored definitions in key order).
    if (expected.details) {
      expect(sortedDetails(answer.body.details)).toEqual(sortedDetails(expected.details));
    }
    return 'invalid';
  }
  expect({ status: answer.status, body: answer.body }).toEqual({
    status: expected.status,
    body: expected.body,
  });
  return expected.status === 409 ? 'conflict' : expected.body.status;
}

/**
 * Thousands of random deliveries, each correctly signed: never a 5xx, every answer the one the
 * protocol gives, and the store (and this instance) always holding the last accepted delivery's
 * flag set. FUZZ_SEED=<n> and FUZZ_RUNS=<n> change the seed and the number of runs.
 */
export function describeDeliveryFuzz(target: DatabaseTarget, runs: FuzzRuns): void {
  describe(`random signed deliveries on ${target.name}`, () => {
    let signed: SignedApp | undefined;
    let app: INestApplication;
    let store: FlagStore;

    beforeAll(async () => {
      signed = await startSignedApp(target);
      app = signed.app;
      store = app.get(FlagStore);
    });

    afterAll(async () => {
      await signed?.close();
    });

    it('answers each as the protocol says and holds exactly the last accepted flag set', async () => {
      const seen: Record<Outcome, number> = { applied: 0, unchanged: 0, conflict: 0, invalid: 0 };
      let sent = 0;
      let lastChange = 0;

      const property = fc.asyncProperty(
        fc.array(deliveryPlan, { minLength: 1, maxLength: runs.maxDeliveries, size: 'max' }),
        async (plans) => {
          // Each sequence starts wherever the previous one left the store.
          let model = modelOf(await store.load());
          lastChange = (await changesAfter(store, lastChange)).at(-1)?.id ?? lastChange;
          for (const [index, plan] of plans.entries()) {
            const body = buildBody(plan, model);
            const expected = predict(model, body);
            const jti = randomUUID();
            const answer = await postDelivery(app, body, token(body, { jti }));
            sent++;
            try {
              seen[expectAnswer(answer, expected)]++;
              if ('next' in expected) {
                const log = await changesAfter(store, lastChange);
                expect(log.map(({ id: _id, at: _at, ...row }) => row)).toEqual(
                  expectedChangeRows(model, expected.next, { actor: 'alice', deliveryId: jti }),
                );
                lastChange = log.at(-1)?.id ?? lastChange;
                model = expected.next;
                await expectStoreHolds(app, model);
                await expectInstanceServes(app, model);
              } else {
                // Refused or unchanged: nothing moved.
                expect(await store.state()).toMatchObject({
                  revision: model.revision,
                  checksum: checksumOf(model),
                });
                expect(await changesAfter(store, lastChange)).toEqual([]);
              }
            } catch (error) {
              // The concrete delivery, which the plan fast-check prints only describes.
              const shown = (text: string) =>
                text.length > 3000 ? `${text.slice(0, 3000)}…` : text;
              (error as Error).message +=
                `\n\nDelivery ${index + 1} of ${plans.length}, sent at revision ${model.revision}:\n` +
                `${shown(body)}\nanswered ${answer.status} ${shown(JSON.stringify(answer.body))}`;
              throw error;
            }
          }
          await expectStoreHolds(app, model);
          await expectInstanceServes(app, model);
          await expectInstanceEvaluates(app, model);
        },
      );

      await fc.assert(property, fuzzParameters(DEFAULT_SEED, runs.numRuns));

      // The sequences reached every kind of answer, so none of them went untested.
      expect(seen.applied).toBeGreaterThan(sent / 10);
      expect(seen.unchanged).toBeGreaterThan(sent / 50);
      expect(seen.conflict).toBeGreaterThan(sent / 100);
      expect(seen.invalid).toBeGreaterThan(sent / 10);
    }, 600_000);
  });
}
