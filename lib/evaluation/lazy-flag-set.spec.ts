import { refBomb } from '../../test/support/ref-bomb';
import { evaluate, evaluateAll } from './evaluate';
import type { EvaluationContext } from './evaluation.types';
import type { FlagSet } from './flag-set';
import { lazyFlagSet } from './lazy-flag-set';
import { parseFlagChanges } from './parse-flag-changes';
import { parseFlagSet } from './parse-flag-set';

const flag = (overrides: Record<string, unknown> = {}) => ({
  state: 'ENABLED',
  variants: { on: true, off: false },
  defaultVariant: 'off',
  ...overrides,
});

const bomb = refBomb(7) as { flags: Record<string, unknown>; $evaluators: Record<string, unknown> };

const evaluators: Record<string, unknown> = {
  ...bomb.$evaluators,
  premium: { '==': [{ var: 'plan' }, 'premium'] },
  'not-json': '{"==": [',
};

/** Definitions as a store holds them: some fine, some damaged in every way a row can be. */
const rows: Array<[string, string]> = [
  ['plain', JSON.stringify(flag({ defaultVariant: 'on' }))],
  ['premium', JSON.stringify(flag({ targeting: { if: [{ $ref: 'premium' }, 'on', 'off'] } }))],
  [
    'rollout',
    JSON.stringify(
      flag({
        targeting: {
          fractional: [
            ['on', 50],
            ['off', 50],
          ],
        },
        metadata: { owner: 'web', expiresAt: '2020-01-01' },
      }),
    ),
  ],
  ['disabled', JSON.stringify(flag({ state: 'DISABLED', targeting: { '/': [1, 0] } }))],
  ['text', JSON.stringify(flag({ variants: { a: 'a', b: 'b' }, defaultVariant: 'a' }))],
  [
    'escaped',
    '{"state":"ENABLED","variants":{"on":true},"defaultVariant":"on","\\u006detadata":{"a":1}}',
  ],
  ['no-default', JSON.stringify(flag({ defaultVariant: null }))],
  ['unknown-variant', JSON.stringify(flag({ targeting: { if: [true, 'maybe', 'off'] } }))],
  ['not-json', '{"state": "ENABLED", '],
  ['not-a-flag', '[1, 2]'],
  ['bad-state', JSON.stringify(flag({ state: 'ON' }))],
  ['unknown-operation', JSON.stringify(flag({ targeting: { nope: [1] } }))],
  ['missing-ref', JSON.stringify(flag({ targeting: { $ref: 'nowhere' } }))],
  ['ref-to-text', JSON.stringify(flag({ targeting: { $ref: 'not-json' } }))],
  ['bomb', JSON.stringify(bomb.flags.bomb)],
  [
    'constant-error',
    JSON.stringify(flag({ targeting: { if: [{ var: 'x' }, { '/': 'x' }, 'on'] } })),
  ],
  ['__proto__', JSON.stringify(flag())],
  ['', JSON.stringify(flag({ defaultVariant: 'on' }))],
];

const metadata = { team: 'platform', owner: 'core' };

function lazy(entries = rows, setMetadata: unknown = metadata): FlagSet {
  const loaded = lazyFlagSet(
    entries.map(([key, definition]) => ({ key, definition })),
    evaluators,
    setMetadata,
  );
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  return loaded.flagSet;
}

/** The same definitions as one document, loaded as the module loaded its store before. */
function eager(entries = rows, setMetadata: unknown = metadata): FlagSet {
  const flags: Record<string, unknown> = {};
  for (const [key, definition] of entries) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(definition);
    } catch {
      parsed = definition;
    }
    Object.defineProperty(flags, key, { value: parsed, enumerable: true });
  }
  const loaded = parseFlagSet(
    { flags, $evaluators: evaluators, metadata: setMetadata },
    { lenient: true },
  );
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  return loaded.flagSet;
}

const contexts: EvaluationContext[] = [
  {},
  { targetingKey: 'ada', plan: 'premium', x: 1 },
  { targetingKey: 'bob', plan: 'free', x: 0 },
];

describe('lazyFlagSet', () => {
  it('holds every definition at once, exactly, without parsing any', () => {
    const flagSet = lazy();
    expect(flagSet.size).toBe(rows.length);
    expect([...flagSet.keys()]).toEqual(rows.map(([key]) => key));
    for (const [key] of rows) expect(flagSet.has(key)).toBe(true);
    expect(flagSet.has('absent')).toBe(false);
    expect(flagSet.metadata).toBe(metadata);
  });

  it('evaluates every definition as a lenient load of the same document does', () => {
    const lazily = lazy();
    const eagerly = eager();
    for (const [key] of rows) {
      for (const context of contexts) {
        for (const defaultValue of [false, 'x'] as const) {
          const expected = evaluate(eagerly, key, defaultValue, context);
          const actual = evaluate(lazily, key, defaultValue, context);
          // A row that is not JSON says so; the document load could only say it is no object.
          if (key === 'not-json') delete expected.errorMessage;
          expect({ key, ...actual }).toMatchObject({ key, ...expected });
        }
      }
    }
    expect(evaluateAll(lazily, contexts[1])).toMatchObject(
      JSON.parse(JSON.stringify({ ...evaluateAll(eagerly, contexts[1]), 'not-json': {} })),
    );
  });

  it('serves PARSE_ERROR for each unusable definition alone', () => {
    const flagSet = lazy();
    for (const key of [
      'not-json',
      'not-a-flag',
      'bad-state',
      'unknown-operation',
      'missing-ref',
      'bomb',
      'constant-error',
    ]) {
      expect({ key, ...evaluate(flagSet, key, false, contexts[1]) }).toMatchObject({
        key,
        value: false,
        reason: 'ERROR',
        errorCode: 'PARSE_ERROR',
      });
    }
    expect(evaluate(flagSet, 'not-json', false).errorMessage).toMatch(/not valid JSON/);
    expect(evaluate(flagSet, 'bomb', false).errorMessage).toMatch(/maxNodes/);
    expect(evaluate(flagSet, 'premium', false, contexts[1])).toMatchObject({
      value: true,
      reason: 'TARGETING_MATCH',
      flagMetadata: metadata,
    });
  });

  it('makes a flag once, on first use, and serves the same flag after', () => {
    const flagSet = lazy();
    const first = flagSet.get('premium');
    expect(first?.key).toBe('premium');
    expect(flagSet.get('premium')).toBe(first);
    expect([...flagSet.keys()]).toEqual(rows.map(([key]) => key));
  });

  it("reads a flag's metadata without making the flag, as the flag would have it", () => {
    const flagSet = lazy();
    const expected = eager();
    for (const [key] of rows) {
      expect({ key, metadata: flagSet.metadataOf(key) }).toEqual({
        key,
        metadata: expected.get(key)?.metadata,
      });
    }
    expect(flagSet.metadataOf('rollout')).toEqual({
      ...metadata,
      owner: 'web',
      expiresAt: '2020-01-01',
    });
    expect(flagSet.metadataOf('escaped')).toEqual({ ...metadata, a: 1 });
    expect(flagSet.metadataOf('plain')).toBe(metadata);
    expect(flagSet.metadataOf('absent')).toBeUndefined();
    // Made flags answer from themselves.
    expect(flagSet.get('rollout')?.metadata).toEqual(flagSet.metadataOf('rollout'));
  });

  it('takes anything but an object as no set metadata', () => {
    for (const setMetadata of [undefined, null, 'team', [1]]) {
      const loaded = lazyFlagSet([{ key: 'plain', definition: rows[0][1] }], {}, setMetadata);
      if (!loaded.ok) throw new Error('loads');
      expect(evaluate(loaded.flagSet, 'plain', false).flagMetadata).toEqual({});
    }
  });

  it('applies changes on top, the changed flags replacing text not yet made', () => {
    const flagSet = lazy();
    const next = parseFlagChanges(flagSet, { plain: flag(), added: flag() }, ['text']);
    expect(next).toBeDefined();
    expect(evaluate(next!, 'plain', true)).toMatchObject({ value: false, reason: 'STATIC' });
    expect(next!.has('text')).toBe(false);
    expect(next!.size).toBe(rows.length);
    expect(evaluate(next!, 'premium', false, contexts[1]).value).toBe(true);
    // The set changed from is unchanged.
    expect(evaluate(flagSet, 'plain', false).value).toBe(true);
  });

  it('refuses more flags than maxFlags, as a document load does', () => {
    const loaded = lazyFlagSet(
      rows.map(([key, definition]) => ({ key, definition })),
      {},
      undefined,
      { maxFlags: 3 },
    );
    expect(loaded).toEqual({
      ok: false,
      errors: [{ path: '/flags', message: expect.stringMatching(/more than the limit of 3/) }],
    });
  });

  it('keeps the last definition of a key given twice, where the first was', () => {
    const flagSet = lazy([
      ['a', JSON.stringify(flag())],
      ['b', JSON.stringify(flag())],
      ['a', JSON.stringify(flag({ defaultVariant: 'on' }))],
    ]);
    expect([...flagSet.keys()]).toEqual(['a', 'b']);
    expect(evaluate(flagSet, 'a', false).value).toBe(true);
  });
});
