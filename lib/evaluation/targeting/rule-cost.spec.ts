import { compileTargeting } from './compile-targeting';
import { MAX_COST, RuleCosts, type RuleLimits, firstBreach, withinLimits } from './rule-cost';
import { formatCount } from './format-count';

const LIMITS: RuleLimits = {
  maxDepth: 64,
  maxNodes: 100_000,
  maxStringLength: 65_536,
  maxArrayLength: 100_000,
  maxBuckets: 1_000,
};

function measure(logic: unknown, evaluators: Record<string, unknown> = {}, limits = LIMITS) {
  return new RuleCosts(evaluators, limits).measure(logic);
}

/** e1..e<levels>, each an `or` of `fanOut` uses of the one below; e0 reads the context. */
function chain(levels: number, fanOut: number): Record<string, unknown> {
  const evaluators: Record<string, unknown> = { e0: { var: 'x' } };
  for (let i = 1; i <= levels; i++) {
    evaluators[`e${i}`] = { or: Array.from({ length: fanOut }, () => ({ $ref: `e${i - 1}` })) };
  }
  return evaluators;
}

describe('RuleCosts', () => {
  it('counts every JSON value, and a string one more per 64 characters', () => {
    // object, arguments array, var object, "x", 1
    expect(measure({ '==': [{ var: 'x' }, 1] }).nodes).toBe(5);
    expect(measure(['a', null, true, {}]).nodes).toBe(5);
    expect(measure('x'.repeat(64)).nodes).toBe(2);
    expect(measure('x'.repeat(63)).nodes).toBe(1);
  });

  it('counts a $ref as the whole evaluator it names, at every use', () => {
    const evaluators = { big: { in: [{ var: 'id' }, ['a', 'b', 'c']] } };
    // the $ref object and its name, then the evaluator's 8 nodes
    expect(measure({ $ref: 'big' }, evaluators).nodes).toBe(10);
    expect(
      measure({ or: [{ $ref: 'big' }, { $ref: 'big' }, { $ref: 'big' }] }, evaluators).nodes,
    ).toBe(2 + 3 * 10);
  });

  it('multiplies the body of an iteration over a literal array, but not over the context', () => {
    const body = { '==': [{ var: '' }, 1] };
    expect(measure({ map: [[1, 2, 3, 4], body] }).nodes).toBe(1 + 1 + 5 + 4 * 5);
    expect(measure({ map: [{ var: 'xs' }, body] }).nodes).toBe(1 + 1 + 2 + 5);
    const nested = { some: [[...Array(100).keys()], { some: [[...Array(100).keys()], body] }] };
    expect(measure(nested).nodes).toBeGreaterThan(100 * 100 * 5);
    expect(new RuleCosts({}, LIMITS).heaviest(nested)).toMatchObject({
      segments: ['some'],
      what: '"some" over 100 elements',
    });
  });

  it('measures each evaluator once: a chain that expands to 10^60 nodes saturates at once', () => {
    const cost = measure({ $ref: 'e60' }, chain(60, 10));
    expect(cost.nodes).toBe(MAX_COST);
    expect(measure({ $ref: 'e3' }, chain(3, 10)).nodes).toBe(
      // e0: 2; e(i): 2 + 10 * (2 + e(i-1)); the use: 2 + e3
      2 + (2 + 10 * (2 + (2 + 10 * (2 + (2 + 10 * (2 + 2)))))),
    );
  });

  it('reports the depth with $ref expanded, every level counted, no less than the compiler counts', () => {
    const evaluators = chain(3, 1);
    const depth = measure({ $ref: 'e3' }, evaluators).depth;
    expect(depth).toBe(11);
    const compile = (maxDepth: number) => () =>
      compileTargeting({ $ref: 'e3' }, { ...LIMITS, maxDepth, flagKey: 'f', evaluators });
    // `or` compiles its arguments without counting their array
    expect(compile(8)).not.toThrow();
    expect(compile(7)).toThrow('targeting is nested deeper than 7 levels');
    // a chain of 20,000 evaluators is measured without recursing through it
    const long: Record<string, unknown> = { e0: 1 };
    for (let i = 1; i <= 20_000; i++) long[`e${i}`] = { $ref: `e${i - 1}` };
    expect(measure({ $ref: 'e20000' }, long).depth).toBe(20_001);
  });

  it('reports a $ref cycle, and every evaluator leading to it', () => {
    const evaluators = {
      a: { and: [{ $ref: 'b' }] },
      b: { or: [{ $ref: 'a' }] },
      c: { $ref: 'a' },
    };
    expect(measure({ $ref: 'c' }, evaluators).cycle).toEqual(['a', 'b', 'a']);
    expect(measure({ $ref: 'a' }, evaluators).cycle).toEqual(['a', 'b', 'a']);
  });

  it('finds literals over a limit, in the rule and in the evaluators it uses', () => {
    const limits = { ...LIMITS, maxStringLength: 10, maxArrayLength: 4, maxBuckets: 2 };
    const costs = new RuleCosts(
      { long: { in: [{ var: 'x' }, ['a', 'b', 'c', 'd', 'e']] } },
      limits,
    );
    const rule = {
      if: [
        { '==': [{ var: 'x' }, 'eleven char'] },
        { fractional: ['by', ['a', 1], ['b', 1], ['c', 1]] },
        { $ref: 'long' },
      ],
    };
    const cost = costs.measure(rule);
    expect(cost).toMatchObject({ flawed: true, flawedReference: 'long' });
    expect(costs.problems(rule)).toEqual([
      {
        evaluator: undefined,
        segments: ['if', 0, '==', 1],
        message: expect.stringMatching(
          /string of 11 characters .* limit of 10 \(maxStringLength\)/,
        ),
      },
      {
        evaluator: undefined,
        segments: ['if', 1, 'fractional'],
        message: expect.stringMatching(/3 buckets .* limit of 2 \(maxBuckets\)/),
      },
    ]);
    expect(costs.evaluatorProblems('long')).toEqual([
      {
        evaluator: 'long',
        segments: ['in', 1],
        message: expect.stringMatching(/array of 5 elements .* limit of 4 \(maxArrayLength\)/),
      },
    ]);
    expect(costs.firstProblem(rule, cost)).toEqual(costs.problems(rule)[0]);
    expect(
      costs.firstProblem({ '!': { $ref: 'long' } }, costs.measure({ '!': { $ref: 'long' } })),
    ).toMatchObject({ evaluator: 'long', segments: ['in', 1] });
    expect(measure({ '==': [{ var: 'x' }, 'ten chars!'] }, {}, limits)).toMatchObject({
      flawed: false,
      flawedReference: undefined,
    });
  });

  it('states the first limit broken, with where and the figure', () => {
    const costs = new RuleCosts(chain(7, 10), LIMITS);
    const rule = { if: [{ $ref: 'e7' }, 'on', 'off'] };
    const cost = costs.measure(rule);
    expect(withinLimits(cost, LIMITS)).toBe(false);
    const breach = firstBreach(rule, cost, costs, '/flags/f/targeting');
    expect(breach).toEqual({
      path: '/flags/f/targeting/if/0/$ref',
      message: expect.stringContaining(`targeting expands to ${formatCount(cost.nodes)} nodes`),
    });
    expect(breach?.message).toMatch(/limit for one flag is 100,000 \(maxNodes\)/);
    expect(breach?.message).toMatch(/"\$ref" to "e7" here alone/);
    const small = costs.measure({ $ref: 'e1' });
    expect(withinLimits(small, LIMITS)).toBe(true);
    expect(firstBreach({ $ref: 'e1' }, small, costs, '/x')).toBeUndefined();
  });
});
