import {
  evaluate,
  evaluateAll,
  evaluateFlag,
  getBoolean,
  getNumber,
  getObject,
  getString,
} from './evaluate';
import { parseFlagSet } from './parse-flag-set';

function load(flags: Record<string, unknown>, metadata?: Record<string, unknown>) {
  const result = parseFlagSet({ flags, ...(metadata ? { metadata } : {}) });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.flagSet;
}

const flagSet = load(
  {
    beta: {
      state: 'ENABLED',
      variants: { on: true, off: false },
      defaultVariant: 'off',
      targeting: { if: [{ in: [{ var: 'country' }, ['US', 'CA']] }, 'on', null] },
      metadata: { owner: 'growth' },
    },
    theme: {
      state: 'ENABLED',
      variants: { dark: { bg: '#000' }, light: { bg: '#fff' } },
      defaultVariant: 'light',
    },
    limit: { state: 'ENABLED', variants: { low: 10, high: 100 }, defaultVariant: 'low' },
    flow: {
      state: 'ENABLED',
      variants: { classic: 'classic', express: 'express' },
      defaultVariant: 'classic',
      targeting: {
        fractional: [
          ['classic', 50],
          ['express', 50],
        ],
      },
    },
    crash: {
      state: 'ENABLED',
      variants: { on: true, off: false },
      defaultVariant: 'off',
      targeting: { if: [{ '<': [{ var: 'age' }, 18] }, 'on', 'off'] },
    },
    off: { state: 'DISABLED', variants: { on: true }, defaultVariant: 'on' },
  },
  { team: 'web', owner: 'platform' },
);

describe('evaluate', () => {
  it('serves the variant targeting chooses, with flag metadata over flag set metadata', () => {
    expect(evaluate(flagSet, 'beta', false, { country: 'CA' })).toEqual({
      value: true,
      variant: 'on',
      reason: 'TARGETING_MATCH',
      flagMetadata: { team: 'web', owner: 'growth' },
    });
  });

  it('serves the default variant when targeting chooses nothing', () => {
    expect(evaluate(flagSet, 'beta', true, { country: 'FR' })).toMatchObject({
      value: false,
      variant: 'off',
      reason: 'DEFAULT',
    });
  });

  it('serves static flags of every type', () => {
    expect(evaluate(flagSet, 'theme', {})).toMatchObject({
      value: { bg: '#fff' },
      reason: 'STATIC',
    });
    expect(evaluate(flagSet, 'limit', 0)).toMatchObject({
      value: 10,
      variant: 'low',
      reason: 'STATIC',
    });
  });

  it('serves the caller default for a disabled flag', () => {
    expect(evaluate(flagSet, 'off', false)).toEqual({
      value: false,
      reason: 'DISABLED',
      flagMetadata: { team: 'web', owner: 'platform' },
    });
  });

  it('reports a missing flag with the flag set metadata', () => {
    expect(evaluate(flagSet, 'nope', 'x')).toMatchObject({
      value: 'x',
      reason: 'ERROR',
      errorCode: 'FLAG_NOT_FOUND',
      flagMetadata: { team: 'web' },
    });
  });

  it('reports a type mismatch, inferred from the default or given explicitly', () => {
    expect(evaluate(flagSet, 'limit', 'five')).toMatchObject({
      value: 'five',
      reason: 'ERROR',
      errorCode: 'TYPE_MISMATCH',
    });
    expect(evaluate(flagSet, 'limit', 1, {}, 'string')).toMatchObject({
      value: 1,
      errorCode: 'TYPE_MISMATCH',
    });
  });

  it('turns a failing rule into GENERAL, never a throw', () => {
    expect(evaluate(flagSet, 'crash', true, { age: 'old' })).toMatchObject({
      value: true,
      reason: 'ERROR',
      errorCode: 'GENERAL',
    });
    const hostile = {
      get age(): number {
        throw new Error('boom');
      },
    };
    expect(evaluate(flagSet, 'crash', true, hostile)).toMatchObject({
      errorCode: 'GENERAL',
      errorMessage: expect.stringContaining('boom'),
    });
  });

  it('accepts a missing or null context', () => {
    expect(evaluate(flagSet, 'beta', true).value).toBe(false);
    expect(evaluate(flagSet, 'beta', true, null as never).value).toBe(false);
  });

  it('buckets the same user into the same variant every time', () => {
    const first = evaluate(flagSet, 'flow', '', { targetingKey: 'user-7' }).variant;
    for (let i = 0; i < 20; i++)
      expect(evaluate(flagSet, 'flow', '', { targetingKey: 'user-7' }).variant).toBe(first);
  });
});

describe('typed getters', () => {
  const contexts = [
    {},
    { country: 'US' },
    { country: 'FR', targetingKey: 'a' },
    { targetingKey: 'b', age: 12 },
    { age: 'x' },
  ];

  it.each(contexts)('agree with evaluate for %j', (context) => {
    expect(getBoolean(flagSet, 'beta', true, context)).toBe(
      evaluate(flagSet, 'beta', true, context).value,
    );
    expect(getBoolean(flagSet, 'crash', true, context)).toBe(
      evaluate(flagSet, 'crash', true, context).value,
    );
    expect(getString(flagSet, 'flow', 'x', context)).toBe(
      evaluate(flagSet, 'flow', 'x', context).value,
    );
    expect(getNumber(flagSet, 'limit', -1, context)).toBe(
      evaluate(flagSet, 'limit', -1, context).value,
    );
    expect(getObject(flagSet, 'theme', {}, context)).toBe(
      evaluate(flagSet, 'theme', {}, context).value,
    );
  });

  it('return the default on a type mismatch or a missing flag', () => {
    expect(getString(flagSet, 'limit', 'fallback')).toBe('fallback');
    expect(getNumber(flagSet, 'missing', 7)).toBe(7);
    expect(getBoolean(flagSet, 'off', true)).toBe(true);
  });
});

describe('evaluateFlag and evaluateAll', () => {
  it('serve any type, with null where the code default would be served', () => {
    expect(evaluateFlag(flagSet, 'limit')).toMatchObject({
      value: 10,
      variant: 'low',
      reason: 'STATIC',
    });
    expect(evaluateFlag(flagSet, 'theme')).toMatchObject({ value: { bg: '#fff' } });
    expect(evaluateFlag(flagSet, 'off')).toMatchObject({ value: null, reason: 'DISABLED' });
    expect(evaluateFlag(flagSet, 'nope')).toMatchObject({
      value: null,
      errorCode: 'FLAG_NOT_FOUND',
    });
  });

  it('evaluate every flag of the set for one context', () => {
    const all = evaluateAll(flagSet, { country: 'US' });
    expect(Object.keys(all)).toEqual(['beta', 'theme', 'limit', 'flow', 'crash', 'off']);
    expect(all.beta).toMatchObject({ value: true, reason: 'TARGETING_MATCH' });
    expect(all.off.reason).toBe('DISABLED');
  });
});
