'use strict';
// Flag documents as an Unleash client-features payload ({ version, features: [...] }) with
// built-in strategies: constraints (operator IN), flexibleRollout, and strategy variants.

function feature(name, strategies) {
  return { name, type: 'release', enabled: true, stale: false, impressionData: false, strategies };
}

function constraint(contextName, values) {
  return { contextName, operator: 'IN', values, inverted: false, caseInsensitive: false };
}

function variant(name, weight) {
  return { name, weight, weightType: 'variable', stickiness: 'userId' };
}

function scenarios() {
  return {
    version: 2,
    features: [
      // Enabled with no strategy: on for everyone (the client's cheapest "on" path).
      feature('scenario-a', []),
      feature('scenario-b', [
        {
          name: 'default',
          parameters: {},
          constraints: [constraint('country', ['US', 'CA']), constraint('plan', ['premium'])],
        },
      ]),
      feature('scenario-c', [
        {
          name: 'flexibleRollout',
          parameters: { rollout: '10', stickiness: 'userId', groupId: 'scenario-c' },
          constraints: [],
        },
      ]),
      feature('scenario-d', [
        {
          name: 'default',
          parameters: {},
          constraints: [constraint('plan', ['internal'])],
          variants: [variant('b', 1000)],
        },
        {
          name: 'flexibleRollout',
          parameters: { rollout: '100', stickiness: 'userId', groupId: 'scenario-d' },
          constraints: [],
          variants: [variant('a', 330), variant('b', 330), variant('c', 340)],
        },
      ]),
    ],
  };
}

function bulk(specs) {
  return {
    version: 2,
    features: specs.map((s) =>
      feature(s.key, [
        {
          name: 'default',
          parameters: {},
          constraints: [constraint('country', s.countries), constraint('plan', [s.plan])],
        },
      ]),
    ),
  };
}

function context(user) {
  return { userId: user.id, properties: { country: user.country, plan: user.plan } };
}

module.exports = { scenarios, bulk, context };
