'use strict';
// Flag documents as a GrowthBook SDK payload ({ features }), with the rules GrowthBook's own
// UI produces: a forced value with a condition, a percentage rollout (force + coverage), and an
// experiment rule for the weighted 3-way split.

function scenarios() {
  return {
    features: {
      'scenario-a': { defaultValue: true },
      'scenario-b': {
        defaultValue: false,
        rules: [{ condition: { country: { $in: ['US', 'CA'] }, plan: 'premium' }, force: true }],
      },
      'scenario-c': {
        defaultValue: false,
        rules: [{ force: true, coverage: 0.1, hashAttribute: 'id' }],
      },
      'scenario-d': {
        defaultValue: 'a',
        rules: [
          { condition: { plan: 'internal' }, force: 'b' },
          {
            key: 'scenario-d',
            variations: ['a', 'b', 'c'],
            weights: [0.33, 0.33, 0.34],
            coverage: 1,
            hashAttribute: 'id',
          },
        ],
      },
    },
  };
}

function bulk(specs) {
  const features = {};
  for (const s of specs) {
    features[s.key] = {
      defaultValue: false,
      rules: [{ condition: { country: { $in: s.countries }, plan: s.plan }, force: true }],
    };
  }
  return { features };
}

function context(user) {
  return { attributes: { id: user.id, country: user.country, plan: user.plan } };
}

module.exports = { scenarios, bulk, context };
