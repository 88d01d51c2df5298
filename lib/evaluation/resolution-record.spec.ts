import { evaluate, getBoolean, getString, resolveValue } from './evaluate';
import { parseFlagSet } from './parse-flag-set';
import { ResolutionRecord } from './resolution-record';

const parsed = parseFlagSet(
  {
    flags: {
      premium: {
        state: 'ENABLED',
        variants: { on: true, off: false },
        defaultVariant: 'off',
        targeting: { if: [{ '==': [{ var: 'plan' }, 'premium'] }, 'on', null] },
      },
      static: { state: 'ENABLED', variants: { on: true }, defaultVariant: 'on' },
      off: { state: 'DISABLED', variants: { on: true }, defaultVariant: 'on' },
      unset: { state: 'ENABLED', variants: { on: true }, defaultVariant: null },
      text: { state: 'ENABLED', variants: { a: 'a' }, defaultVariant: 'a' },
      broken: { state: 'ENABLED', variants: { on: true }, targeting: { nope: [] } },
      // Lenient loads keep variants of several types: each value is checked for itself.
      mixed: {
        state: 'ENABLED',
        variants: { text: 'a', count: 1 },
        defaultVariant: 'text',
        targeting: { if: [{ '==': [{ var: 'plan' }, 'premium'] }, 'count', 'text'] },
      },
    },
  },
  { lenient: true },
);
if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
const flagSet = parsed.flagSet;

function snapshot(record: ResolutionRecord) {
  const { variant, reason, errorCode, errorMessage, flag } = record;
  return { variant, reason, errorCode, errorMessage, flag: flag?.key };
}

describe('ResolutionRecord', () => {
  it('receives how each evaluation went, as the full result says it', () => {
    const record = new ResolutionRecord();
    const cases: Array<[string, unknown, Record<string, unknown>]> = [
      ['premium', false, { plan: 'premium' }],
      ['premium', false, { plan: 'free' }],
      ['static', false, {}],
      ['off', false, {}],
      ['unset', false, {}],
      ['text', false, {}],
      ['broken', false, {}],
      ['absent', false, {}],
      ['static', false, {}],
    ];
    for (const [key, defaultValue, context] of cases) {
      const value = resolveValue(flagSet, key, 'boolean', defaultValue, context, record);
      const result = evaluate(flagSet, key, defaultValue as boolean, context);
      expect({ key, ...snapshot(record) }).toEqual({
        key,
        variant: result.variant,
        reason: result.reason,
        errorCode: result.errorCode,
        errorMessage: result.errorMessage,
        flag: flagSet.has(key) ? key : undefined,
      });
      expect(value).toBe(result.value);
    }
  });

  it('is changed by no evaluation it is not given: the engine keeps no record of its own', () => {
    const mine = new ResolutionRecord();
    const theirs = new ResolutionRecord();
    resolveValue(flagSet, 'premium', 'boolean', false, { plan: 'premium' }, mine);
    const before = snapshot(mine);
    resolveValue(flagSet, 'absent', 'boolean', false, {}, theirs);
    resolveValue(flagSet, 'text', 'boolean', false, {}, theirs);
    getBoolean(flagSet, 'off', false);
    getString(flagSet, 'text', 'b');
    evaluate(flagSet, 'broken', false);
    expect(snapshot(mine)).toEqual(before);
    expect(snapshot(theirs)).toMatchObject({ reason: 'ERROR', errorCode: 'TYPE_MISMATCH' });
  });

  it('checks the type of each value a flag of mixed variant types serves', () => {
    const record = new ResolutionRecord();
    expect(resolveValue(flagSet, 'mixed', 'string', 'd', {}, record)).toBe('a');
    expect(resolveValue(flagSet, 'mixed', 'number', 0, { plan: 'premium' }, record)).toBe(1);
    expect(resolveValue(flagSet, 'mixed', 'number', 0, {}, record)).toBe(0);
    expect(snapshot(record)).toMatchObject({ reason: 'ERROR', errorCode: 'TYPE_MISMATCH' });
    expect(resolveValue(flagSet, 'mixed', 'string', 'd', { plan: 'premium' }, record)).toBe('d');
    expect(resolveValue(flagSet, 'mixed', undefined, 'd', { plan: 'premium' }, record)).toBe(1);
  });

  it('is not needed: without one, the typed getters serve the same values', () => {
    expect(getBoolean(flagSet, 'premium', false, { plan: 'premium' })).toBe(true);
    expect(getBoolean(flagSet, 'absent', true)).toBe(true);
    expect(getBoolean(flagSet, 'text', true)).toBe(true);
    expect(getString(flagSet, 'text', 'b')).toBe('a');
    expect(getBoolean(flagSet, 'broken', true)).toBe(true);
  });
});
