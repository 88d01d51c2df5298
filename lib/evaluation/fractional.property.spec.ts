/*
 * Properties of `fractional` bucketing over large random populations.
 *
 * flagd's algorithm: h = murmur3_32(flagKey + targetingKey) (here over the UTF-8 bytes; populations are
 * ASCII, where UTF-8 and flagd-core's UTF-16 hashing agree), bucket = (h * totalWeight) >> 32, and
 * the variant is the first entry whose cumulative weight exceeds `bucket`.
 *
 * Seeds are fixed (override with FC_SEED=<int>), so every statistical bound below is checked against
 * one deterministic sample; the bounds are set so that a correct implementation fails them with
 * negligible probability at any seed, while real defects (correlation, biased shares) fail by far.
 */
import fc from 'fast-check';
import { FlagdCore } from '@openfeature/flagd-core';
import { evaluate, parseFlagSet, type FlagSet } from './index';

const SEED = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : 1_234_567;
const POPULATION = 100_000;
/** Served when fractional returns null (all weights zero). */
const NO_BUCKET = -1;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/**
 * Flag keys as people write them (ASCII: see the header). `__proto__` is left out: the parser refuses
 * it as a key anywhere in a document, by design.
 */
const flagKeyArb = fc.stringMatching(/^[a-zA-Z0-9._-]{1,24}$/).filter((key) => key !== '__proto__');

/** A flag set of rollouts `fractional: [["v0", w0], ["v1", w1], ...]` (bucketing by targeting key). */
function rolloutDocument(flags: Record<string, readonly number[]>): object {
  const out: Record<string, object> = {};
  for (const [key, weights] of Object.entries(flags)) {
    const variants: Record<string, string> = { none: 'none' };
    weights.forEach((_, i) => (variants[`v${i}`] = `v${i}`));
    out[key] = {
      state: 'ENABLED',
      variants,
      defaultVariant: 'none',
      targeting: { fractional: weights.map((w, i) => [`v${i}`, w]) },
    };
  }
  return { flags: out };
}

function load(document: string | object): FlagSet {
  const parsed = parseFlagSet(document);
  if (!parsed.ok) throw new Error(`flag set refused: ${JSON.stringify(parsed.errors)}`);
  return parsed.flagSet;
}

/** The index of the variant served (`vN` -> N), or NO_BUCKET. */
function bucketOf(flagSet: FlagSet, flagKey: string, targetingKey: string): number {
  const { variant } = evaluate(flagSet, flagKey, '', { targetingKey }, 'string');
  return variant === undefined || variant === 'none' ? NO_BUCKET : Number(variant.slice(1));
}

function reference(document: object): FlagdCore {
  const core = new FlagdCore(undefined, {
    error: () => {},
    warn: () => {},
    info: () => {},
    debug: () => {},
  });
  core.setConfigurations(JSON.stringify(document));
  return core;
}

function referenceBucketOf(core: FlagdCore, flagKey: string, targetingKey: string): number {
  const { variant } = core.resolveStringEvaluation(flagKey, '', { targetingKey });
  return variant === undefined || variant === 'none' ? NO_BUCKET : Number(variant.slice(1));
}

/** mulberry32: a small seeded PRNG, so that populations of 100,000 ids cost nothing to generate. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ID_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_@.';

/** `size` random ASCII ids (6..20 characters), made distinct by a counter suffix. */
function population(seed: number, size: number): string[] {
  const random = prng(seed);
  const ids = new Array<string>(size);
  for (let i = 0; i < size; i++) {
    const length = 6 + Math.floor(random() * 15);
    let id = '';
    for (let j = 0; j < length; j++) id += ID_CHARS[Math.floor(random() * ID_CHARS.length)];
    ids[i] = `${id}#${i.toString(36)}`;
  }
  return ids;
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

describe('fractional bucketing (property-based)', () => {
  it('is deterministic: same flag key + targeting key, same variant, across separately parsed flag sets', () => {
    const weightsArb = fc
      .array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 6 })
      .filter((w) => sum(w) > 0);
    const targetingKeyArb = fc.stringMatching(/^[ -~]{1,32}$/); // printable ASCII
    fc.assert(
      fc.property(
        flagKeyArb,
        weightsArb,
        fc.uniqueArray(targetingKeyArb, { minLength: 1, maxLength: 40 }),
        (flagKey, weights, keys) => {
          const document = rolloutDocument({ [flagKey]: weights });
          const fromString = load(JSON.stringify(document));
          const fromObject = load(structuredClone(document));
          const first = keys.map((k) => bucketOf(fromString, flagKey, k));
          // Evaluate again in the other order, on both copies.
          for (let i = keys.length - 1; i >= 0; i--) {
            expect(bucketOf(fromString, flagKey, keys[i])).toBe(first[i]);
            expect(bucketOf(fromObject, flagKey, keys[i])).toBe(first[i]);
          }
          // A key always lands in a bucket with weight, and where flagd puts it.
          const core = reference(document);
          keys.forEach((k, i) => {
            expect(weights[first[i]]).toBeGreaterThan(0);
            expect(first[i]).toBe(referenceBucketOf(core, flagKey, k));
          });
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('is independent across flag keys: two 50/50 flags split a population into 4 equal quarters', () => {
    /*
     * Chi-square goodness of fit of the 4 combinations (v0/v0, v0/v1, v1/v0, v1/v1) against 25% each,
     * 3 degrees of freedom. For independent fair hashes P(chi2 > 30.7) = 1e-6 (chi2 quantile for 3 df),
     * so over the runs here a correct implementation fails with probability ~1e-6 at any seed.
     * Correlation is caught by far: for two 50/50 flags with correlation phi, chi2 ~ N * phi^2, so
     * with N = 100,000 any |phi| > 0.018 fails (identical bucketing, phi = 1, gives chi2 = 100,000), as
     * does a biased split (a share off 50% by more than ~0.9 points).
     */
    const CHI2_BOUND = 30.7;
    fc.assert(
      fc.property(
        fc.tuple(flagKeyArb, flagKeyArb).filter(([a, b]) => a !== b),
        fc.integer(),
        ([keyA, keyB], populationSeed) => {
          const flagSet = load(rolloutDocument({ [keyA]: [50, 50], [keyB]: [50, 50] }));
          const cells = [0, 0, 0, 0];
          for (const id of population(populationSeed, POPULATION)) {
            cells[2 * bucketOf(flagSet, keyA, id) + bucketOf(flagSet, keyB, id)]++;
          }
          const expected = POPULATION / 4;
          const chi2 = sum(cells.map((observed) => (observed - expected) ** 2 / expected));
          if (!(chi2 < CHI2_BOUND)) {
            throw new Error(
              `"${keyA}" and "${keyB}" are correlated: cells ${cells}, chi2 = ${chi2} >= ${CHI2_BOUND}`,
            );
          }
        },
      ),
      { seed: SEED, numRuns: 2 },
    );
  });

  it('serves each variant in proportion to its weight', () => {
    /*
     * The share of variant i over N ids is binomial(N, p = w_i / total): within 5 standard deviations
     * sqrt(p(1-p)/N) except with probability 6e-7 per variant. A zero weight must get no one at all.
     */
    const weightsArb = fc.oneof(
      fc.constantFrom([10, 90], [33, 33, 34], [1, 2, 3, 4], [1, 999]),
      fc
        .array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 6 })
        .filter((w) => sum(w) > 0),
    );
    fc.assert(
      fc.property(flagKeyArb, weightsArb, fc.integer(), (flagKey, weights, populationSeed) => {
        const flagSet = load(rolloutDocument({ [flagKey]: weights }));
        const counts = weights.map(() => 0);
        for (const id of population(populationSeed, POPULATION))
          counts[bucketOf(flagSet, flagKey, id)]++;
        const total = sum(weights);
        weights.forEach((w, i) => {
          const p = w / total;
          const share = counts[i] / POPULATION;
          const bound = 5 * Math.sqrt((p * (1 - p)) / POPULATION);
          if (!(Math.abs(share - p) <= bound)) {
            throw new Error(`weights [${weights}]: v${i} got ${share}, expected ${p} +/- ${bound}`);
          }
        });
      }),
      {
        seed: SEED,
        numRuns: 6, // the 4 examples, then 2 random weight vectors
        examples: [
          ['rollout', [10, 90], 1],
          ['rollout', [33, 33, 34], 2],
          ['rollout', [1, 2, 3, 4], 3],
          ['rollout', [1, 999], 4],
        ],
      },
    );
  });

  describe('stability when weights change', () => {
    /*
     * Boundaries are cumulative and a user's position (h * total) >> 32 depends only on the total,
     * which moving weight between buckets keeps. Moving 10 points from the last bucket to the first
     * shifts every inner boundary up by 10: with two buckets only users of the last bucket move (to the
     * first), but with three or more, users just above each inner boundary also move down one bucket
     * (e.g. [30, 30, 40] -> [40, 30, 30]: positions 30..39 go from v1 to v0). flagd-core does exactly
     * the same (checked below), so "only the last bucket loses users" holds for two buckets only.
     * What holds in general, and is tested: users of the first bucket stay, nobody enters the last
     * bucket, every move is to a lower bucket, and moving weight between two adjacent buckets only
     * moves users between those two.
     */
    const STEP = 10;
    /*
     * These are exact per-user properties, checked on every user; 50,000 users put thousands in every
     * region a boundary sweeps over (each is 10 / total >= 2% of the population here).
     */
    const STABILITY_POPULATION = 50_000;
    const weightsArb = fc
      .tuple(
        fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: STEP, max: 100 }),
      )
      .map(([head, last]) => [...head, last]);

    /** Buckets of every id under `before` and `after`, checked against flagd-core on a sample. */
    function moves(flagKey: string, before: number[], after: number[], populationSeed: number) {
      const docBefore = rolloutDocument({ [flagKey]: before });
      const docAfter = rolloutDocument({ [flagKey]: after });
      const a = load(docBefore);
      const b = load(docAfter);
      const ids = population(populationSeed, STABILITY_POPULATION);
      const result = ids.map((id) => [bucketOf(a, flagKey, id), bucketOf(b, flagKey, id)] as const);
      const coreBefore = reference(docBefore);
      const coreAfter = reference(docAfter);
      for (let i = 0; i < ids.length; i += 10) {
        expect([
          referenceBucketOf(coreBefore, flagKey, ids[i]),
          referenceBucketOf(coreAfter, flagKey, ids[i]),
        ]).toEqual(result[i]);
      }
      return result;
    }

    it('moving 10 points from the last bucket to the first only moves users down, never out of the first', () => {
      fc.assert(
        fc.property(flagKeyArb, weightsArb, fc.integer(), (flagKey, before, populationSeed) => {
          const last = before.length - 1;
          const after = [...before];
          after[0] += STEP;
          after[last] -= STEP;
          const changes = new Set<string>();
          for (const [was, is] of moves(flagKey, before, after, populationSeed)) {
            if (was !== is) changes.add(`${was}->${is}`);
          }
          for (const change of changes) {
            const [was, is] = change.split('->').map(Number);
            expect({ change, fromFirst: was === 0 }).toEqual({ change, fromFirst: false }); // the first bucket only gains
            expect({ change, intoLast: is === last }).toEqual({ change, intoLast: false }); // the last only loses
            expect({ change, down: is < was }).toEqual({ change, down: true }); // moves go toward the first bucket
          }
          // Two buckets: exactly "users move from the last bucket to the first".
          if (before.length === 2) expect([...changes].filter((c) => c !== '1->0')).toEqual([]);
          if (before.length === 1) expect([...changes]).toEqual([]);
        }),
        // The 2 examples, then 2 random weight vectors.
        {
          seed: SEED,
          numRuns: 4,
          examples: [
            ['rollout', [50, 50], 1],
            ['rollout', [30, 30, 40], 2],
          ],
        },
      );
    });

    it('moving weight between two adjacent buckets only moves users between those two', () => {
      fc.assert(
        fc.property(
          flagKeyArb,
          weightsArb.filter((w) => w.length >= 2),
          fc.nat(),
          fc.integer(),
          (flagKey, before, at, populationSeed) => {
            const k = at % (before.length - 1); // move STEP from bucket k + 1 to bucket k
            if (before[k + 1] < STEP) return;
            const after = [...before];
            after[k] += STEP;
            after[k + 1] -= STEP;
            const changes = new Set<string>();
            for (const [was, is] of moves(flagKey, before, after, populationSeed)) {
              if (was !== is) changes.add(`${was}->${is}`);
            }
            expect([...changes].filter((c) => c !== `${k + 1}->${k}`)).toEqual([]);
          },
        ),
        { seed: SEED, numRuns: 3 },
      );
    });

    it('with 3+ buckets, growing the first bucket also moves users of middle buckets (as flagd does)', () => {
      const before = [30, 30, 40];
      const after = [40, 30, 30];
      const result = moves('rollout', before, after, 7);
      const middleToFirst = result.filter(([was, is]) => was === 1 && is === 0).length;
      const lastToMiddle = result.filter(([was, is]) => was === 2 && is === 1).length;
      // Positions 30..39 (10% of users) move v1 -> v0 and 60..69 move v2 -> v1 (5 sd = 0.0067).
      expect(Math.abs(middleToFirst / STABILITY_POPULATION - 0.1)).toBeLessThan(0.0067);
      expect(Math.abs(lastToMiddle / STABILITY_POPULATION - 0.1)).toBeLessThan(0.0067);
      expect(result.filter(([was, is]) => was !== is).length).toBe(middleToFirst + lastToMiddle);
    });
  });
});
