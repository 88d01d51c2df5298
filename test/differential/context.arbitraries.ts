/*
 * fast-check arbitraries for evaluation contexts matching the attributes the rules of
 * flag-set.arbitraries.ts read. String values may contain variant placeholders, resolved against the
 * flag set's variant names by `resolvePlaceholders`.
 *
 * Deliberate deviations of our engine from flagd-core, excluded by construction:
 *  - fractional hashes UTF-8 bytes (flagd-core: UTF-16 code units): the targeting key and every
 *    attribute that can reach a bucketing key (`asciiOnly` in ATTRIBUTE_DOMAINS) are ASCII;
 *  - a non-string `targetingKey` makes fractional return null: the targeting key is a string or absent.
 */
import fc from 'fast-check';
import {
  ATTRIBUTE_DOMAINS,
  FLAG_TYPES,
  FlagType,
  GeneratedFlagSet,
  Json,
  MISSING_FLAG_KEYS,
  VARIANT_PLACEHOLDER,
  flagSetArbitrary,
  resolvePlaceholders,
} from './flag-set.arbitraries';

const variantRef = fc.nat({ max: 7 }).map((i) => VARIANT_PLACEHOLDER + i);

const asciiString = fc.oneof(
  fc.constantFrom('', 'a', 'US', '42', '3.5', 'true', 'null', '1.2.3'),
  fc.stringMatching(/^[ -#%-~]{0,8}$/), // printable ASCII without `$`
);
const anyString = fc.oneof(
  { weight: 4, arbitrary: asciiString },
  { weight: 1, arbitrary: fc.constantFrom('ü', 'Zoë', '日本', '😀') },
  { weight: 1, arbitrary: fc.string({ maxLength: 4, unit: 'grapheme' }) },
);

function chaosValue(asciiOnly: boolean): fc.Arbitrary<Json> {
  const str = asciiOnly ? asciiString : anyString;
  const primitive = fc.oneof(
    fc.constant(null),
    fc.boolean(),
    fc.constantFrom(0, 1, -1, 2.5, 1e21, -0.25),
    fc.integer({ min: -100, max: 100 }),
    str,
    variantRef,
  );
  return fc.oneof(
    { weight: 6, arbitrary: primitive },
    { weight: 2, arbitrary: fc.array(primitive, { maxLength: 3 }) },
    {
      weight: 1,
      arbitrary: fc.dictionary(fc.constantFrom('a', 'id', 'name'), primitive, { maxKeys: 2 }),
    },
  );
}

const attributeValue = (name: string): fc.Arbitrary<Json> => {
  const domain = ATTRIBUTE_DOMAINS[name];
  return fc.oneof(
    { weight: 6, arbitrary: domain.values },
    { weight: 1, arbitrary: chaosValue(!!domain.asciiOnly) },
  );
};

const targetingKey = fc.oneof(
  {
    weight: 16,
    arbitrary: fc.oneof(
      fc.constantFrom('user-1', 'user-2', 'u-42'),
      fc.stringMatching(/^[a-zA-Z0-9@._-]{1,16}$/),
    ),
  },
  { weight: 1, arbitrary: fc.constant('') },
);

const tag = fc.oneof(fc.constantFrom('a', 'b', 'beta', 'vip', 'US', '1'), variantRef);
const structured: { [name: string]: fc.Arbitrary<Json> } = {
  tags: fc.oneof(
    { weight: 5, arbitrary: fc.array(tag, { maxLength: 4 }) },
    { weight: 1, arbitrary: chaosValue(false) },
  ),
  ids: fc.oneof(
    { weight: 5, arbitrary: fc.array(fc.integer({ min: -3, max: 50 }), { maxLength: 4 }) },
    { weight: 1, arbitrary: chaosValue(false) },
  ),
  items: fc.array(
    fc.record(
      { id: fc.integer({ min: 0, max: 5 }), name: fc.oneof(tag, fc.constant(null)) },
      { requiredKeys: ['id'] },
    ),
    { maxLength: 3 },
  ),
  user: fc.oneof(
    {
      weight: 5,
      arbitrary: fc.record(
        {
          id: fc.oneof(fc.integer({ min: 0, max: 100 }), fc.constantFrom('7', 'u-1')),
          role: fc.constantFrom('admin', 'user', 'guest', ''),
          tier: fc.oneof(variantRef, fc.constantFrom('gold', 'silver')),
          name: fc.constantFrom('alice', 'Zoë', 'al'),
        },
        { requiredKeys: [] },
      ),
    },
    { weight: 1, arbitrary: chaosValue(false) },
  ),
  nothing: fc.constant(null),
};

/** Rare keys: a context that tries to set flagd's own properties, or shadows a prototype property. */
const oddities = fc.oneof(
  fc.constant({}),
  fc.constant({ $flagd: { flagKey: 'spoofed' } }),
  fc.constant({ constructor: 'ctor' }),
);

export const contextArbitrary: fc.Arbitrary<{ [key: string]: Json }> = fc
  .tuple(
    // A targeting key most of the time (absent 1 time in 6).
    fc.option(targetingKey, { nil: undefined, freq: 6 }),
    fc.record(
      {
        ...Object.fromEntries(
          Object.keys(ATTRIBUTE_DOMAINS).map((name) => [name, attributeValue(name)]),
        ),
        ...structured,
      },
      { requiredKeys: [] },
    ),
    fc.oneof({ weight: 20, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: oddities }),
  )
  .map(([key, attributes, odd]) => ({
    ...(key === undefined ? {} : { targetingKey: key }),
    ...attributes,
    ...odd,
  }));

// ---------------------------------------------------------------------------------------------
// Evaluation cases: a flag set and what to evaluate against it
// ---------------------------------------------------------------------------------------------

export interface Query {
  key: string;
  type: FlagType;
  defaultValue: Json;
  context: { [key: string]: Json };
}

export interface EvaluationCase {
  flagSet: GeneratedFlagSet;
  /** The document both engines load. */
  document: string;
  queries: Query[];
}

const defaultValues = fc.record({
  boolean: fc.boolean(),
  string: fc.constantFrom('default', '', 'on'),
  number: fc.constantFrom(0, -1, 3.5, 42),
  object: fc.constantFrom<Json>({}, { default: true }),
});

const rawQuery = fc.record({
  // Index into the flag set's keys, or a key that is not there (FLAG_NOT_FOUND).
  flag: fc.oneof(
    { weight: 15, arbitrary: fc.nat({ max: 3 }) },
    { weight: 1, arbitrary: fc.constantFrom(...MISSING_FLAG_KEYS) },
  ),
  // Mostly the flag's own type; sometimes any type (TYPE_MISMATCH).
  type: fc.oneof(
    { weight: 6, arbitrary: fc.constant('own' as const) },
    { weight: 1, arbitrary: fc.constantFrom(...FLAG_TYPES) },
  ),
  defaults: defaultValues,
  context: contextArbitrary,
});

/** A flag set and 1-4 evaluations of it. */
export const evaluationCaseArbitrary: fc.Arbitrary<EvaluationCase> = fc
  .tuple(flagSetArbitrary, fc.array(rawQuery, { minLength: 1, maxLength: 4 }))
  .map(([flagSet, raws]) => ({
    flagSet,
    document: JSON.stringify(flagSet.json),
    queries: raws.map((q) => {
      const key =
        typeof q.flag === 'number' ? flagSet.flagKeys[q.flag % flagSet.flagKeys.length] : q.flag;
      const type = q.type === 'own' ? (flagSet.flagTypes[key] ?? 'boolean') : q.type;
      return {
        key,
        type,
        defaultValue: q.defaults[type],
        context: resolvePlaceholders(q.context, flagSet.variantNames) as { [key: string]: Json },
      };
    }),
  }));
