import fc from 'fast-check';
import { evaluate } from './evaluate';
import { parseFlagSet } from './parse-flag-set';

const flag = (overrides: Record<string, unknown> = {}) => ({
  state: 'ENABLED',
  variants: { on: true, off: false },
  defaultVariant: 'off',
  ...overrides,
});

function errorsOf(input: unknown, options = {}): Array<{ path: string; message: string }> {
  const result = parseFlagSet(input as object, options);
  if (result.ok) throw new Error('expected the flag set to be refused');
  return result.errors;
}

describe('parseFlagSet: strict validation', () => {
  it('accepts a valid flag set and reports its flags', () => {
    const result = parseFlagSet({ flags: { a: flag(), b: flag({ state: 'DISABLED' }) } });
    expect(result.ok).toBe(true);
    if (result.ok) expect([...result.flagSet.keys()]).toEqual(['a', 'b']);
  });

  it.each([
    ['not JSON', '{"flags": ', '', /not valid JSON/],
    ['not an object', '[1, 2]', '', /JSON object/],
    ['no flags object', '{"flag": {}}', '/flags', /"flags" object/],
    [
      'an unknown top-level property',
      '{"flags": {}, "flagz": {}}',
      '/flagz',
      /unknown property "flagz"/,
    ],
  ])('refuses %s', (_name, input, path, message) => {
    const errors = errorsOf(input);
    expect(errors).toContainEqual({ path, message: expect.stringMatching(message) });
  });

  it.each([
    [
      'an unknown defaultVariant',
      flag({ defaultVariant: 'of' }),
      '/flags/f/defaultVariant',
      /unknown variant "of"/,
    ],
    ['a bad state', flag({ state: 'ON' }), '/flags/f/state', /ENABLED/],
    ['no variants', flag({ variants: {} }), '/flags/f/variants', /at least one variant/],
    [
      'mixed variant types',
      flag({ variants: { on: true, off: 'no' } }),
      '/flags/f/variants/off',
      /one type/,
    ],
    [
      'a null variant',
      flag({ variants: { on: true, off: null } }),
      '/flags/f/variants/off',
      /not null/,
    ],
    [
      'a typo in a property',
      flag({ targetting: {} }),
      '/flags/f/targetting',
      /unknown flag property/,
    ],
    [
      'bad metadata',
      flag({ metadata: { owner: ['a'] } }),
      '/flags/f/metadata/owner',
      /strings, numbers or booleans/,
    ],
    [
      'an unknown operation',
      flag({ targeting: { if: [{ is: [1, 1] }, 'on', 'off'] } }),
      '/flags/f/targeting/if/0/is',
      /unknown operation "is"/,
    ],
    [
      'a $ref to a missing evaluator',
      flag({ targeting: { if: [{ $ref: 'nope' }, 'on', 'off'] } }),
      '/flags/f/targeting/if/0/$ref',
      /not in "\$evaluators"/,
    ],
    [
      'a variant that does not exist',
      flag({ targeting: { if: [{ var: 'beta' }, 'on', 'of'] } }),
      '/flags/f/targeting/if/2',
      /variant "of"/,
    ],
    [
      'negative fractional weights',
      flag({
        targeting: {
          fractional: [
            ['on', -5],
            ['off', 100],
          ],
        },
      }),
      '/flags/f/targeting/fractional/0/1',
      /whole numbers/,
    ],
    [
      'all-zero fractional weights',
      flag({
        targeting: {
          fractional: [
            ['on', 0],
            ['off', 0],
          ],
        },
      }),
      '/flags/f/targeting/fractional',
      /every fractional weight is 0/,
    ],
    [
      'a fractional bucket that is not a pair',
      flag({ targeting: { fractional: ['on', 'off'] } }),
      '/flags/f/targeting/fractional/1',
      /\[variant, weight\]/,
    ],
    [
      'an unknown sem_ver comparison',
      flag({ targeting: { if: [{ sem_ver: [{ var: 'v' }, '=>', '1.0.0'] }, 'on', 'off'] } }),
      '/flags/f/targeting/if/0/sem_ver/1',
      /unknown sem_ver comparison/,
    ],
    [
      'division by zero',
      flag({ targeting: { if: [{ '>': [{ '/': [{ var: 'n' }, 0] }, 1] }, 'on', 'off'] } }),
      '/flags/f/targeting/if/0/>/0/~1/1',
      /division by zero/,
    ],
    [
      'a constant part that fails',
      flag({ targeting: { if: [{ '==': [{ var: 'n' }, { '+': [1, 'x'] }] }, 'on', 'off'] } }),
      '/flags/f/targeting/if/0/==/1/+/1',
      /not a number/,
    ],
    [
      'an operation object with two keys',
      flag({ targeting: { if: [{ var: 'a', '!': true }, 'on', 'off'] } }),
      '/flags/f/targeting/if/0',
      /exactly one key/,
    ],
    ['a reserved flag key', { constructor: flag() }, '/flags/constructor', /cannot be a flag key/],
  ])('refuses %s, pointing at it', (_name, definition, path, message) => {
    const flags = _name === 'a reserved flag key' ? definition : { f: definition };
    const errors = errorsOf({ flags });
    expect(errors).toContainEqual({ path, message: expect.stringMatching(message) });
  });

  it('refuses __proto__ keys anywhere, even spelled with escapes', () => {
    const text =
      '{"flags": {"f": {"state": "ENABLED", "variants": {"on": true}, "defaultVariant": "on", "metadata": {"\\u005f_proto__": 1}}}}';
    expect(errorsOf(text)).toContainEqual({
      path: '/flags/f/metadata/__proto__',
      message: expect.stringMatching(/__proto__/),
    });
  });

  it('refuses $ref cycles', () => {
    const errors = errorsOf({
      flags: { f: flag({ targeting: { if: [{ $ref: 'a' }, 'on', 'off'] } }) },
      $evaluators: { a: { and: [{ $ref: 'b' }] }, b: { or: [{ $ref: 'a' }] } },
    });
    expect(errors.some((error) => /cycle: a -> b -> a/.test(error.message))).toBe(true);
  });

  it('refuses targeting nested deeper than maxDepth', () => {
    let logic: unknown = { var: 'x' };
    for (let i = 0; i < 20; i++) logic = { '!': [logic] };
    expect(
      errorsOf(
        { flags: { f: flag({ targeting: { if: [logic, 'on', 'off'] } }) } },
        { maxDepth: 16 },
      ),
    ).toContainEqual({
      path: expect.stringMatching(/^\/flags\/f\/targeting/),
      message: expect.stringMatching(/deeper than 16/),
    });
  });

  it('refuses more flags or bytes than allowed', () => {
    const flags = Object.fromEntries(Array.from({ length: 4 }, (_, i) => [`f${i}`, flag()]));
    expect(errorsOf({ flags }, { maxFlags: 3 })[0].message).toMatch(/more than the limit of 3/);
    expect(errorsOf(JSON.stringify({ flags }), { maxBytes: 100 })[0].message).toMatch(
      /larger than 100 bytes/,
    );
  });

  it('reports every problem at once', () => {
    const errors = errorsOf({
      flags: { a: flag({ state: 'x' }), b: flag({ defaultVariant: 'nope' }) },
    });
    expect(errors.map((error) => error.path)).toEqual([
      '/flags/a/state',
      '/flags/b/defaultVariant',
    ]);
  });
});

describe('parseFlagSet: lenient loading', () => {
  it('loads broken flags as PARSE_ERROR and serves the others', () => {
    const result = parseFlagSet(
      {
        flags: {
          good: flag(),
          badState: flag({ state: 'ON' }),
          badRule: flag({ targeting: { nope: [] } }),
          badRef: flag({ targeting: { $ref: 'missing' } }),
        },
      },
      { lenient: true },
    );
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(evaluate(result.flagSet, 'good', true).value).toBe(false);
    for (const key of ['badState', 'badRule', 'badRef']) {
      expect(evaluate(result.flagSet, key, true)).toMatchObject({
        value: true,
        reason: 'ERROR',
        errorCode: 'PARSE_ERROR',
      });
    }
  });

  it('counts negative fractional weights as zero', () => {
    const result = parseFlagSet(
      {
        flags: {
          f: flag({
            targeting: {
              fractional: [
                ['on', -50],
                ['off', 100],
              ],
            },
          }),
        },
      },
      { lenient: true },
    );
    if (!result.ok) throw new Error('refused');
    for (const id of ['a', 'b', 'c', 'd'])
      expect(evaluate(result.flagSet, 'f', true, { targetingKey: id }).variant).toBe('off');
  });

  it('still refuses a document that is not a flag set', () => {
    expect(parseFlagSet('{"flags": 3}', { lenient: true }).ok).toBe(false);
  });
});

describe('parseFlagSet never throws', () => {
  it('on arbitrary JSON values and text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.string()), fc.boolean(), (input, lenient) => {
        const text = typeof input === 'string' ? input : JSON.stringify(input);
        const result = parseFlagSet(text ?? 'null', { lenient });
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });

  it('on flag sets with arbitrary targeting, in both modes', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.boolean(), (targeting, lenient) => {
        const result = parseFlagSet({ flags: { f: flag({ targeting }) } }, { lenient });
        if (result.ok) expect(() => evaluate(result.flagSet, 'f', false, { x: 1 })).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });
});
