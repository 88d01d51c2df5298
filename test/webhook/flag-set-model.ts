import type { INestApplication } from '@nestjs/common';
import {
  type ChangeRecord,
  FlagStore,
  type StoredDefinition,
  type StoredFlagSet,
  flagSetChecksum,
} from '../../lib';
import { getState, postEvaluate } from './signed-app';

/*
 * What a control plane expects an application to hold, and the checks that it holds exactly that:
 * shared by the end-to-end suites that send many deliveries.
 */

export type Definitions = Record<string, unknown>;

/** A flag set at a revision, as the control plane knows it (values as JSON.parse gives them). */
export interface FlagSetModel {
  revision: number;
  flags: Definitions;
  evaluators: Definitions;
  /** undefined: the store holds no metadata (null). */
  metadata: Record<string, unknown> | undefined;
}

export const EMPTY_MODEL: FlagSetModel = Object.freeze({
  revision: 0,
  flags: {},
  evaluators: {},
  metadata: undefined,
});

/** `entries` as an object; Object.fromEntries defines own properties, even `__proto__`. */
export function definitionsOf(entries: StoredDefinition[]): Definitions {
  return Object.fromEntries(entries.map(({ key, definition }) => [key, JSON.parse(definition)]));
}

export function modelOf(stored: StoredFlagSet): FlagSetModel {
  return {
    revision: stored.revision,
    flags: definitionsOf(stored.flags),
    evaluators: definitionsOf(stored.evaluators),
    metadata: stored.metadata === null ? undefined : JSON.parse(stored.metadata),
  };
}

/** The stored text of a definition: the store writes `JSON.stringify` of what it received. */
export function textOf(definitions: Definitions, key: string): string | null {
  return Object.prototype.hasOwnProperty.call(definitions, key)
    ? JSON.stringify(definitions[key])
    : null;
}

/** Keys whose stored text differs between two sets, in UTF-16 order (as the store sorts). */
export function changedKeys(before: Definitions, after: Definitions): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((key) => textOf(before, key) !== textOf(after, key)).sort();
}

const metadataText = (model: FlagSetModel) =>
  model.metadata === undefined ? null : JSON.stringify(model.metadata);

/** What an applied delivery answers in `changed`: flag keys, then `$evaluators/<name>`. */
export function changedEntries(before: FlagSetModel, after: FlagSetModel): string[] {
  return [
    ...changedKeys(before.flags, after.flags),
    ...changedKeys(before.evaluators, after.evaluators).map((name) => `$evaluators/${name}`),
  ];
}

/** The change-log rows an applied delivery writes, in the order the store writes them. */
export function expectedChangeRows(
  before: FlagSetModel,
  after: FlagSetModel,
  by: { actor: string; deliveryId: string },
): Array<Omit<ChangeRecord, 'id' | 'at'>> {
  const row = (
    kind: ChangeRecord['kind'],
    key: string,
    from: string | null,
    to: string | null,
  ) => ({
    revision: after.revision,
    kind,
    key,
    before: from,
    after: to,
    actor: by.actor,
    deliveryId: by.deliveryId,
  });
  const metadataBefore = metadataText(before);
  const metadataAfter = metadataText(after);
  return [
    ...changedKeys(before.flags, after.flags).map((key) =>
      row('flag', key, textOf(before.flags, key), textOf(after.flags, key)),
    ),
    ...changedKeys(before.evaluators, after.evaluators).map((name) =>
      row('evaluator', name, textOf(before.evaluators, name), textOf(after.evaluators, name)),
    ),
    ...(metadataBefore === metadataAfter
      ? []
      : [row('metadata', '', metadataBefore, metadataAfter)]),
  ];
}

/** The checksum a store holding `model` reports: '' before the first write. */
export function checksumOf(model: FlagSetModel): string {
  return model.revision === 0 ? '' : flagSetChecksum(model.flags, model.evaluators);
}

/** What a store holds without the instants it was written at, which differ between runs. */
export function withoutTimes({ updatedAt: _at, flags, evaluators, ...rest }: StoredFlagSet) {
  const texts = (entries: StoredDefinition[]) =>
    entries.map(({ key, definition }) => ({ key, definition }));
  return { ...rest, flags: texts(flags), evaluators: texts(evaluators) };
}

/**
 * The store holds exactly `model`: the same definitions (parsed, and byte for byte as
 * `JSON.stringify` writes them), revision, metadata and checksum.
 */
export async function expectStoreHolds(app: INestApplication, model: FlagSetModel): Promise<void> {
  const stored = await app.get(FlagStore).load();
  expect(stored.revision).toBe(model.revision);
  expect(definitionsOf(stored.flags)).toEqual(model.flags);
  expect(definitionsOf(stored.evaluators)).toEqual(model.evaluators);
  const texts = (definitions: Definitions) =>
    Object.keys(definitions)
      .sort()
      .map((key) => ({ key, definition: textOf(definitions, key) }));
  const { flags, evaluators } = withoutTimes(stored);
  expect(flags).toEqual(texts(model.flags));
  expect(evaluators).toEqual(texts(model.evaluators));
  expect(stored.metadata).toBe(metadataText(model));
  expect(stored.checksum).toBe(checksumOf(model));
}

/** This instance serves what the store holds (GET /_flags/state), at `model`'s revision. */
export async function expectInstanceServes(
  app: INestApplication,
  model: FlagSetModel,
): Promise<void> {
  const state = await getState(app).expect(200);
  const checksum = checksumOf(model);
  expect(state.body.store).toMatchObject({
    revision: model.revision,
    checksum,
    flagCount: Object.keys(model.flags).length,
  });
  expect(state.body.instance).toMatchObject({
    revision: model.revision,
    checksum,
    flagCount: Object.keys(model.flags).length,
  });
}

/** This instance evaluates exactly `model`'s flags (POST /_flags/evaluate for every flag). */
export async function expectInstanceEvaluates(
  app: INestApplication,
  model: FlagSetModel,
): Promise<void> {
  const question = JSON.stringify({ context: { targetingKey: 'user-1', email: 'a@example.com' } });
  const answer = await postEvaluate(app, question).expect(200);
  expect(answer.body.revision).toBe(model.revision);
  expect(Object.keys(answer.body.results).sort()).toEqual(Object.keys(model.flags).sort());
}

/** The whole change log after `afterId`, page by page. */
export async function changesAfter(store: FlagStore, afterId: number): Promise<ChangeRecord[]> {
  const all: ChangeRecord[] = [];
  for (let from = afterId; ;) {
    const page = await store.changes(from, 1000);
    all.push(...page);
    if (page.length < 1000) return all;
    from = page[page.length - 1].id;
  }
}

/**
 * fast-check's seed and number of runs: fixed, so that CI runs the same deliveries every time;
 * FUZZ_SEED=<n> and FUZZ_RUNS=<n> override them (fast-check prints the seed of a failure).
 */
export function fuzzParameters(seed: number, numRuns: number): { seed: number; numRuns: number } {
  const read = (name: string, fallback: number) => {
    const text = process.env[name];
    if (text === undefined || text === '') return fallback;
    const value = Number(text);
    if (!Number.isSafeInteger(value)) throw new Error(`${name} must be an integer, not "${text}"`);
    return value;
  };
  return { seed: read('FUZZ_SEED', seed), numRuns: read('FUZZ_RUNS', numRuns) };
}
