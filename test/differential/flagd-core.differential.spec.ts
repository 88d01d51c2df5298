/*
 * Differential test: our engine (lenient loading) against @openfeature/flagd-core, the reference
 * implementation, on random flag sets and contexts.
 *
 * For every generated (flag set, context, flag key, type, default value) both must return the same
 * value (deep equal), variant, reason, flag metadata, and error code when the reason is ERROR.
 * Error messages are free-form and not compared.
 *
 * Nothing is excluded because it differs, and no exclusion consults our engine. Inputs outside the
 * generators are documented deviations, excluded by construction (see also the headers of
 * flag-set.arbitraries.ts and context.arbitraries.ts):
 *
 *  - UTF-8 vs UTF-16 hashing in fractional (ASCII bucketing strings only), non-string targeting keys
 *    (never generated), and `$ref` between evaluators (never generated).
 *
 *  - Constant sub-rules. flagd-core builds a rule with json-logic-engine, which computes every
 *    sub-rule it deems deterministic once, at build time, with its interpreter and optimizer: it
 *    evaluates every branch of a constant 3-argument `if`, rewrites `reduce` sums, and so on, so
 *    whether a failing constant sub-rule gives PARSE_ERROR, GENERAL or nothing depends on where it
 *    sits; our strict validation refuses failing ones. So the generated flag sets hold no constant
 *    operation: after placeholders are resolved, `foldConstants` (flag-set.arbitraries.ts) replaces
 *    every maximal constant operation of each targeting rule and `$evaluators` entry by the value
 *    json-logic-engine's own interpreter computes for it (`new LogicEngine().run(subRule)`), as a
 *    literal. "Constant" is json-logic-engine's own verdict (its per-operation `deterministic`
 *    annotations): no `var`, `missing`, `missing_some`, `fractional`, `sem_ver`, `starts_with`,
 *    `ends_with` nor `$ref`, except that json-logic-engine also deems constant a `var` relative to
 *    the element of an iteration over a constant collection (e.g. `{"all": [["on"], {"==":
 *    [{"var": ""}, false]}]}`) and `{"missing": []}`. Literal arrays are kept (their elements are
 *    folded). The flag set is dropped (filter) when the interpreter throws, when the value is not a
 *    JSON primitive (except a flat array of primitives standing as an array element, which reads as
 *    the same literal array), or when a whole targeting rule or evaluator is constant.
 *
 *  - `__proto__` in `var` paths: we read it as missing (reading it would hand prototype objects to
 *    rules); flagd-core reads `Object.prototype`. It is never generated (other inherited names, e.g.
 *    `constructor` or `tags.map`, still are).
 *
 *  - json-logic-engine's optimizer. flagd-core compiles rules, except below an `if` with fewer than
 *    3 arguments, which json-logic-engine's compiler declines: that sub-rule runs through the
 *    interpreter and its optimizer (optimizer.js, `checkIdioms`). Our engine emulates the
 *    optimizer's comparisons, `var`, `!`/`!!`, `cat`, `all`/`some`/`none`, `filter` with a constant
 *    body and arithmetic with a non-array argument, and the constant folding above removes its eager
 *    evaluation of constant operands. What remains is its rewrite of `reduce` with a body
 *    `{"+"|"*": [{"var": "accumulator"}, {"var": "current"}]}` (either order) into
 *    `{"+": [{"+": collection}, initial || 0]}` (`*`: initial 1 when absent), which gives 0 instead
 *    of the initial value for a missing or empty collection: flag sets where such a `reduce` sits below an `if` with fewer than
 *    3 arguments (following `$ref`s as flagd-core substitutes them) are dropped
 *    (`reachesOptimizedReduce` in flag-set.arbitraries.ts). The same `reduce` elsewhere (compiled) is
 *    still generated and compared.
 *
 * Environment:
 *  - FC_SEED=<int>  run with another seed (the seed of a failure is printed by fast-check);
 *  - FUZZ_LONG=1    also run the long campaign (many more runs; minutes).
 */
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { FlagdCore } from '@openfeature/flagd-core';
import { evaluate, parseFlagSet } from '../../lib/evaluation';
import {
  EvaluationCase as Case,
  Query,
  evaluationCaseArbitrary as caseArbitrary,
} from './context.arbitraries';

const SEED = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : 20250611;
/** ~12 s on 2 cores when everything agrees (shrinking a failure adds a few seconds). */
const NUM_RUNS = 8000;
/** FUZZ_LONG=1: ~5 min. */
const LONG_NUM_RUNS = 200_000;

// ---------------------------------------------------------------------------------------------
// The two engines
// ---------------------------------------------------------------------------------------------

interface Outcome {
  value?: unknown;
  variant?: string;
  reason?: string;
  errorCode?: string;
  flagMetadata?: unknown;
  threw?: string;
}

/** The fields we compare (errorCode only when the reason is ERROR), without undefined entries. */
function normalize(result: {
  value?: unknown;
  variant?: string;
  reason?: string;
  errorCode?: string;
  flagMetadata?: unknown;
}): Outcome {
  const out: Outcome = {
    value: result.value,
    reason: result.reason,
    flagMetadata: result.flagMetadata ?? {},
  };
  if (result.variant !== undefined) out.variant = result.variant;
  if (result.reason === 'ERROR') out.errorCode = result.errorCode;
  return out;
}

/** flagd-core, with a logger that records (instead of printing) what it logs. */
function loadReference(document: string): {
  core?: FlagdCore;
  schemaValid: boolean;
  error?: string;
} {
  let schemaValid = true;
  const logger = {
    error: () => undefined,
    warn: () => undefined,
    info: () => undefined,
    debug: (message: unknown) => {
      if (String(message).startsWith('invalid flagd flag configuration')) schemaValid = false;
    },
  };
  const core = new FlagdCore(undefined, logger);
  try {
    core.setConfigurations(document);
    return { core, schemaValid };
  } catch (e) {
    return { schemaValid, error: String(e) };
  }
}

function referenceEvaluate(core: FlagdCore, q: Query): Outcome {
  const ctx = structuredClone(q.context) as never;
  const d = structuredClone(q.defaultValue) as never;
  try {
    switch (q.type) {
      case 'boolean':
        return normalize(core.resolveBooleanEvaluation(q.key, d, ctx));
      case 'string':
        return normalize(core.resolveStringEvaluation(q.key, d, ctx));
      case 'number':
        return normalize(core.resolveNumberEvaluation(q.key, d, ctx));
      case 'object':
        return normalize(core.resolveObjectEvaluation(q.key, d, ctx));
    }
  } catch (e) {
    return { threw: String(e) };
  }
}

function ourEvaluate(flagSet: unknown, q: Query): Outcome {
  try {
    return normalize(
      evaluate(
        flagSet as never,
        q.key,
        structuredClone(q.defaultValue) as never,
        structuredClone(q.context) as never,
        q.type,
      ) as Outcome,
    );
  } catch (e) {
    return { threw: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
}

// ---------------------------------------------------------------------------------------------
// Statistics (so that the test cannot pass vacuously)
// ---------------------------------------------------------------------------------------------

class Stats {
  evaluations = 0;
  flagSets = 0;
  schemaInvalidFlagSets = 0;
  readonly outcomes = new Map<string, number>();

  record(outcome: Outcome): void {
    this.evaluations++;
    const key = outcome.reason === 'ERROR' ? `ERROR/${outcome.errorCode}` : String(outcome.reason);
    this.outcomes.set(key, (this.outcomes.get(key) ?? 0) + 1);
  }

  share(reason: string): number {
    let n = 0;
    for (const [key, count] of this.outcomes)
      if (key === reason || key.startsWith(reason + '/')) n += count;
    return n / this.evaluations;
  }

  report(title: string): string {
    const lines = [...this.outcomes.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(
        ([k, v]) =>
          `  ${k.padEnd(24)} ${String(v).padStart(6)}  ${((100 * v) / this.evaluations).toFixed(1)}%`,
      );
    return [
      `${title}: ${this.evaluations} evaluations over ${this.flagSets} flag sets ` +
        `(${this.schemaInvalidFlagSets} outside flagd-core's schema, loaded leniently); seed ${SEED}`,
      ...lines,
    ].join('\n');
  }
}

// ---------------------------------------------------------------------------------------------
// The property
// ---------------------------------------------------------------------------------------------

function describeMismatch(c: Case, q: Query, ours: Outcome, theirs: Outcome): string {
  return [
    'Our engine and flagd-core disagree.',
    `flag set: ${c.document}`,
    `evaluate: key=${JSON.stringify(q.key)} type=${q.type} default=${JSON.stringify(q.defaultValue)}`,
    `context:  ${JSON.stringify(q.context)}`,
    `ours:      ${JSON.stringify(ours)}`,
    `flagd-core: ${JSON.stringify(theirs)}`,
  ].join('\n');
}

function checkCase(c: Case, stats: Stats): void {
  const reference = loadReference(c.document);
  const parsed = parseFlagSet(c.document, { lenient: true });
  stats.flagSets++;
  if (!reference.schemaValid) stats.schemaInvalidFlagSets++;

  if (!reference.core) {
    // flagd-core refuses the whole document: so must we.
    if (parsed.ok)
      throw new Error(`flagd-core rejects (${reference.error}) but we load:\n${c.document}`);
    return;
  }
  if (!parsed.ok) {
    throw new Error(
      `flagd-core loads but we reject (lenient mode):\n${c.document}\n${JSON.stringify(parsed.errors, null, 1)}`,
    );
  }
  for (const q of c.queries) {
    const theirs = referenceEvaluate(reference.core, q);
    const ours = ourEvaluate(parsed.flagSet, q);
    if (!isDeepStrictEqual(ours, theirs)) throw new Error(describeMismatch(c, q, ours, theirs));
    stats.record(theirs);
  }
}

function runCampaign(numRuns: number, title: string): Stats {
  const stats = new Stats();
  fc.assert(
    fc.property(caseArbitrary, (c) => checkCase(c, stats)),
    { seed: SEED, numRuns },
  );
  process.stdout.write(stats.report(title) + '\n');
  return stats;
}

describe('differential: our engine (lenient) vs @openfeature/flagd-core', () => {
  it('agrees on random flag sets, contexts, keys, types and defaults', () => {
    const stats = runCampaign(NUM_RUNS, 'differential');

    // The generators must exercise every outcome, or agreement means little.
    expect(stats.evaluations).toBeGreaterThan(NUM_RUNS);
    const rare = (outcomes: string[], minShare: number) =>
      outcomes.filter((o) => !(stats.share(o) >= minShare)).map((o) => `${o}: ${stats.share(o)}`);
    expect(rare(['STATIC', 'TARGETING_MATCH', 'DEFAULT', 'ERROR', 'DISABLED'], 0.04)).toEqual([]);
    expect(
      rare(
        ['ERROR/GENERAL', 'ERROR/PARSE_ERROR', 'ERROR/TYPE_MISMATCH', 'ERROR/FLAG_NOT_FOUND'],
        0.005,
      ),
    ).toEqual([]);
    // Mostly schema-valid flag sets; a minority exercises lenient loading.
    expect(stats.schemaInvalidFlagSets / stats.flagSets).toBeLessThan(0.25);
  }, 120_000);

  (process.env.FUZZ_LONG === '1' ? it : it.skip)(
    'agrees on a long campaign (FUZZ_LONG=1)',
    () => {
      runCampaign(LONG_NUM_RUNS, 'differential (long)');
    },
    60 * 60_000,
  );
});
