import { evaluate } from './evaluate';
import { parseFlagChanges } from './parse-flag-changes';
import { parseFlagSet } from './parse-flag-set';
import { compileTargeting } from './targeting/compile-targeting';
import { OPERATORS } from './targeting/operators';
import { refBomb as bomb } from '../../test/support/ref-bomb';

const flag = (targeting?: unknown) => ({
  state: 'ENABLED',
  variants: { on: true, off: false },
  defaultVariant: 'off',
  ...(targeting === undefined ? {} : { targeting }),
});

function errorsOf(input: unknown, options = {}): Array<{ path: string; message: string }> {
  const result = parseFlagSet(input as object, options);
  if (result.ok) throw new Error('expected the flag set to be refused');
  return result.errors;
}

function loaded(input: unknown, options = {}) {
  const result = parseFlagSet(input as object, options);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.flagSet;
}

describe('$ref bombs', () => {
  const text = JSON.stringify(bomb(7), null, 1);

  it('of a few kilobytes are refused in strict mode, with where and the figure', () => {
    expect(text.length).toBeLessThan(3_100);
    const errors = errorsOf(text);
    expect(errors).toContainEqual({
      path: '/flags/bomb/targeting/if/0/$ref',
      message: expect.stringMatching(
        /^targeting expands to 94,444,448 nodes .* the limit for one flag is 100,000 \(maxNodes\)\. "\$ref" to "e7" here alone expands to 94,444,444\. Share less through "\$ref"/,
      ),
    });
    // the growth is also reported where it starts, once
    expect(errors.filter((error) => error.path.startsWith('/$evaluators'))).toEqual([
      { path: '/$evaluators/e5', message: expect.stringMatching(/expands to 944,442 nodes/) },
    ]);
  });

  it('of six levels (10^6 nodes) are refused too', () => {
    expect(errorsOf(bomb(6))).toContainEqual({
      path: '/flags/bomb/targeting/if/0/$ref',
      message: expect.stringMatching(/^targeting expands to 9,444,448 nodes/),
    });
  });

  it('load leniently as one flag that cannot be served, the others unaffected', () => {
    const flags = loaded(text, { lenient: true });
    expect(evaluate(flags, 'bomb', false, { country: 'US' })).toMatchObject({
      value: false,
      reason: 'ERROR',
      errorCode: 'PARSE_ERROR',
      errorMessage: expect.stringMatching(/\/flags\/bomb\/targeting\/if\/0\/\$ref: .*maxNodes/),
    });
    expect(evaluate(flags, 'neighbour', false, { country: 'US' })).toMatchObject({
      value: true,
      reason: 'TARGETING_MATCH',
    });
    expect(evaluate(flags, 'plain', true)).toMatchObject({ value: false, reason: 'STATIC' });
  });

  it('load leniently after a change, with the set’s own limits', () => {
    const base = loaded(
      { flags: { plain: flag() }, $evaluators: { long: { var: 'x'.repeat(20) } } },
      {
        maxStringLength: 10,
        lenient: true,
      },
    );
    const next = parseFlagChanges(
      base,
      { uses: flag({ if: [{ $ref: 'long' }, 'on', 'off'] }) },
      [],
    );
    expect(evaluate(next!, 'uses', false)).toMatchObject({
      errorCode: 'PARSE_ERROR',
      errorMessage: expect.stringMatching(/\/\$evaluators\/long\/var: a string of 20 characters/),
    });
  });
});

describe('shared evaluators', () => {
  let compiled: jest.SpyInstance;
  beforeEach(() => (compiled = jest.spyOn(OPERATORS, 'get')));
  afterEach(() => compiled.mockRestore());

  const startsWithCompilations = () =>
    compiled.mock.calls.filter(([operator]) => operator === 'starts_with').length;

  it('compile once per flag, however many times a rule uses them', () => {
    const staff = { $ref: 'staff' };
    const flags = loaded({
      $evaluators: { staff: { starts_with: [{ var: 'email' }, 'admin@'] } },
      flags: { f: flag({ if: [{ or: Array(50).fill(staff) }, 'on', { and: [staff, staff] }] }) },
    });
    compiled.mockClear();
    expect(evaluate(flags, 'f', false, { email: 'admin@example.com' }).value).toBe(true);
    expect(startsWithCompilations()).toBe(1);
  });

  it('compile once through a chain of 20 levels that uses them 2^20 times', () => {
    const $evaluators: Record<string, unknown> = { e0: { starts_with: [{ var: 'email' }, 'x'] } };
    for (let i = 1; i <= 20; i++) {
      $evaluators[`e${i}`] = { or: [{ $ref: `e${i - 1}` }, { $ref: `e${i - 1}` }] };
    }
    const flags = loaded(
      { $evaluators, flags: { f: flag({ if: [{ $ref: 'e20' }, 'on', 'off'] }) } },
      { maxNodes: 100_000_000, maxTotalNodes: 100_000_000 },
    );
    compiled.mockClear();
    expect(evaluate(flags, 'f', false, { email: 'x@example.com' }).value).toBe(true);
    expect(startsWithCompilations()).toBe(1);
  });

  it('still refuse a cycle, strictly or leniently', () => {
    const document = {
      flags: { f: flag({ if: [{ $ref: 'a' }, 'on', 'off'] }) },
      $evaluators: { a: { and: [{ var: 'x' }, { $ref: 'b' }] }, b: { or: [{ $ref: 'a' }] } },
    };
    expect(errorsOf(document)).toContainEqual({
      path: '/$evaluators/b/or/0/$ref',
      message: '"$ref" cycle: a -> b -> a',
    });
    expect(evaluate(loaded(document, { lenient: true }), 'f', false, { x: 1 })).toMatchObject({
      errorCode: 'PARSE_ERROR',
      errorMessage: expect.stringContaining('"$ref" cycle: a -> b -> a'),
    });
  });

  it('still count toward the depth limit where they are used, with the same message', () => {
    let deep: unknown = { var: 'x' };
    for (let i = 0; i < 5; i++) deep = { '!': [deep] };
    const nest = (logic: unknown, levels: number) => {
      for (let i = 0; i < levels; i++) logic = { '!!': logic };
      return logic;
    };
    const shallow = flag({ if: [nest({ $ref: 'deep' }, 1), 'on', 'off'] });
    const tooDeep = flag({ if: [nest({ $ref: 'deep' }, 10), 'on', 'off'] });
    const options = { maxDepth: 16 };
    expect(loaded({ $evaluators: { deep }, flags: { shallow } }, options).size).toBe(1);
    expect(errorsOf({ $evaluators: { deep }, flags: { shallow, tooDeep } }, options)).toEqual([
      {
        path: `/flags/tooDeep/targeting/if/0${'/!!'.repeat(10)}/$ref`,
        message: 'targeting is nested deeper than 16 levels',
      },
    ]);
    // compiled once, where first used, and checked again at the deeper use
    const both = { or: [nest({ $ref: 'deep' }, 1), nest({ $ref: 'deep' }, 9)] };
    const compile = () =>
      compileTargeting(both, {
        flagKey: 'f',
        evaluators: { deep },
        maxDepth: 16,
        maxNodes: 100_000,
        maxStringLength: 65_536,
        maxArrayLength: 100_000,
        maxBuckets: 1_000,
      });
    expect(compile).toThrow('targeting is nested deeper than 16 levels');
  });
});

describe('per-flag limits', () => {
  it('accept long lists that real rules use', () => {
    const customers = Array.from({ length: 3_000 }, (_, i) => `customer-${i}`);
    const countries = Array.from({ length: 20_000 }, (_, i) => `c${i}`);
    const flags = loaded({
      $evaluators: { customers: { in: [{ var: 'customer' }, customers] } },
      flags: {
        customers: flag({ if: [{ $ref: 'customers' }, 'on', 'off'] }),
        countries: flag({ if: [{ in: [{ var: 'id' }, countries] }, 'on', 'off'] }),
      },
    });
    expect(evaluate(flags, 'customers', false, { customer: 'customer-2999' }).value).toBe(true);
    expect(evaluate(flags, 'countries', false, { id: 'c19999' }).value).toBe(true);
  });

  it.each([
    [
      'a long string',
      { if: [{ '==': [{ var: 'x' }, 'x'.repeat(11)] }, 'on', 'off'] },
      { maxStringLength: 10 },
      '/flags/f/targeting/if/0/==/1',
      /^a string of 11 characters is more than the limit of 10 \(maxStringLength\); shorten it/,
    ],
    [
      'a long array',
      { if: [{ in: [{ var: 'x' }, [1, 2, 3, 4, 5]] }, 'on', 'off'] },
      { maxArrayLength: 4 },
      '/flags/f/targeting/if/0/in/1',
      /^an array of 5 elements is more than the limit of 4 \(maxArrayLength\); split the list/,
    ],
    [
      'too many buckets',
      { fractional: Array.from({ length: 1_001 }, (_, i) => [i % 2 ? 'on' : 'off', 1]) },
      {},
      '/flags/f/targeting/fractional',
      /^"fractional" with 1,001 buckets is more than the limit of 1,000 \(maxBuckets\); use fewer/,
    ],
    [
      'an iteration over a long literal array',
      {
        if: [
          { some: [[...Array(2_000).keys()], { some: [[...Array(20).keys()], { var: '' }] }] },
          'on',
          'off',
        ],
      },
      {},
      '/flags/f/targeting/if/0/some',
      /^targeting expands to [\d,]+ nodes.*"some" over 2,000 elements here alone/,
    ],
  ])('refuse %s where it is, saying what to do', (_name, targeting, options, path, message) => {
    expect(errorsOf({ flags: { f: flag(targeting) } }, options)).toEqual([
      { path, message: expect.stringMatching(message) },
    ]);
    const lenient = loaded({ flags: { f: flag(targeting) } }, { ...options, lenient: true });
    expect(evaluate(lenient, 'f', false, { x: 1 })).toMatchObject({
      reason: 'ERROR',
      errorCode: 'PARSE_ERROR',
      errorMessage: expect.stringContaining(path),
    });
  });

  it('refuse a literal over a limit in an evaluator once, under "/$evaluators"', () => {
    const errors = errorsOf(
      {
        $evaluators: { long: { '==': [{ var: 'x' }, 'x'.repeat(11)] } },
        flags: { a: flag({ $ref: 'long' }), b: flag({ if: [{ $ref: 'long' }, 'on', 'off'] }) },
      },
      { maxStringLength: 10 },
    );
    expect(errors).toEqual([
      { path: '/$evaluators/long/==/1', message: expect.stringMatching(/string of 11 characters/) },
    ]);
  });

  it('refuse a flag set whose flags add up to more than maxTotalNodes', () => {
    const flags = Object.fromEntries(
      Array.from({ length: 4 }, (_, i) => [`f${i}`, flag({ if: [{ var: 'x' }, 'on', 'off'] })]),
    );
    // 6 nodes per flag
    expect(loaded({ flags }, { maxTotalNodes: 24 }).size).toBe(4);
    expect(errorsOf({ flags }, { maxTotalNodes: 23 })).toEqual([
      {
        path: '/flags',
        message: expect.stringMatching(
          /^the flags' targeting expands to 24 nodes in all.*more than the limit of 23 \(maxTotalNodes\); share less through "\$ref", simplify rules, or split the flag set$/,
        ),
      },
    ]);
  });
});

describe('iterations over arrays from the context', () => {
  // The body costs about 600 nodes: 200 elements come to more than the 100,000 an evaluation may.
  const body = { some: [[...Array(100).keys()], { '==': [{ var: '' }, -1] }] };
  const flags = loaded({
    flags: {
      mapped: flag({
        if: [
          { map: [{ var: 'rows' }, { map: [{ var: '' }, { '+': [{ var: '' }, 1] }] }] },
          'on',
          'off',
        ],
      }),
      nested: flag({ if: [{ some: [{ var: 'xs' }, body] }, 'on', 'off'] }),
      interpreted: flag({ if: [{ all: [{ var: 'xs' }, { '!': body }] }, 'on'] }),
      reduced: flag({
        if: [
          { reduce: [{ var: 'xs' }, { or: [{ var: 'accumulator' }, body] }, false] },
          'on',
          'off',
        ],
      }),
    },
  });
  const thousand = [...Array(1_000).keys()];
  const rows = { many: { rows: thousand.map(() => thousand) }, few: { rows: [[1, 2], [3]] } };
  const xs = { many: { xs: thousand }, few: { xs: [1, 2, 3] } };

  it.each([
    ['mapped', rows],
    ['nested', xs],
    ['interpreted', xs],
    ['reduced', xs],
  ])(
    '%s: an evaluation going over maxNodes fails, and the next one starts afresh',
    (key, { many, few }) => {
      expect(evaluate(flags, key, true, few)).toMatchObject({ reason: 'TARGETING_MATCH' });
      expect(evaluate(flags, key, true, many)).toEqual({
        value: true,
        reason: 'ERROR',
        errorCode: 'GENERAL',
        errorMessage: expect.stringMatching(
          /iterations over arrays that are not literals .* more than 100,000 nodes in one evaluation \(maxNodes\)/,
        ),
        flagMetadata: {},
      });
      expect(evaluate(flags, key, true, few)).toMatchObject({ reason: 'TARGETING_MATCH' });
      for (let i = 0; i < 200; i++) evaluate(flags, key, true, few);
      expect(evaluate(flags, key, true, few)).toMatchObject({ reason: 'TARGETING_MATCH' });
    },
  );

  it('bound the parts computed when a flag loads as well', () => {
    const constant = { some: [[...Array(100).keys()], { '==': [1, -1] }] };
    const computed = { some: [{ merge: [[...Array(1_000).keys()]] }, constant] };
    const targeting = { if: [{ var: 'x' }, { if: [computed, 'on', 'off'] }, 'off'] };
    expect(errorsOf({ flags: { f: flag(targeting) } })).toEqual([
      {
        path: '/flags/f/targeting/if/1',
        message: expect.stringMatching(
          /^this part is computed when the flag loads and fails: .*maxNodes/,
        ),
      },
    ]);
    const lenient = loaded({ flags: { f: flag(targeting) } }, { lenient: true });
    expect(evaluate(lenient, 'f', false, { x: 1 })).toMatchObject({ errorCode: 'PARSE_ERROR' });
  });
});
