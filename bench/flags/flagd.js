'use strict';
// Flag documents in the flagd flag-definition format (used by ours and by @openfeature/flagd-core).

const BOOL_VARIANTS = { on: true, off: false };

function scenarios() {
  return {
    flags: {
      'scenario-a': { state: 'ENABLED', variants: BOOL_VARIANTS, defaultVariant: 'on' },
      'scenario-b': {
        state: 'ENABLED',
        variants: BOOL_VARIANTS,
        defaultVariant: 'off',
        targeting: {
          if: [
            {
              and: [
                { in: [{ var: 'country' }, ['US', 'CA']] },
                { '==': [{ var: 'plan' }, 'premium'] },
              ],
            },
            'on',
            'off',
          ],
        },
      },
      'scenario-c': {
        state: 'ENABLED',
        variants: BOOL_VARIANTS,
        defaultVariant: 'off',
        targeting: {
          fractional: [
            ['on', 10],
            ['off', 90],
          ],
        },
      },
      'scenario-d': {
        state: 'ENABLED',
        variants: { a: 'a', b: 'b', c: 'c' },
        defaultVariant: 'a',
        targeting: {
          if: [
            { '==': [{ var: 'plan' }, 'internal'] },
            'b',
            {
              fractional: [
                ['a', 33],
                ['b', 33],
                ['c', 34],
              ],
            },
          ],
        },
      },
    },
  };
}

function bulk(specs) {
  const flags = {};
  for (const s of specs) {
    flags[s.key] = {
      state: 'ENABLED',
      variants: BOOL_VARIANTS,
      defaultVariant: 'off',
      targeting: {
        if: [
          {
            and: [{ in: [{ var: 'country' }, s.countries] }, { '==': [{ var: 'plan' }, s.plan] }],
          },
          'on',
          'off',
        ],
      },
    };
  }
  return { flags };
}

function context(user) {
  return { targetingKey: user.id, country: user.country, plan: user.plan };
}

module.exports = { scenarios, bulk, context };
