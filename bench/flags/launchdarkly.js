'use strict';
// Flag documents in LaunchDarkly's flag data model, as the SDK's file data source reads them
// ({ flags: { key: flag } }): rules with `in` clauses, percentage rollouts (weights of 100,000).

function flag(key, variations, fallthrough, rules = []) {
  return {
    key,
    version: 1,
    on: true,
    variations,
    fallthrough,
    offVariation: 0,
    rules,
    targets: [],
    contextTargets: [],
    prerequisites: [],
    salt: key,
    trackEvents: false,
    trackEventsFallthrough: false,
    clientSide: false,
  };
}

function clause(attribute, values) {
  return { contextKind: 'user', attribute, op: 'in', values, negate: false };
}

function scenarios() {
  // Boolean flags: variation 0 = false, 1 = true.
  return {
    flags: {
      'scenario-a': flag('scenario-a', [false, true], { variation: 1 }),
      'scenario-b': flag('scenario-b', [false, true], { variation: 0 }, [
        {
          id: 'b-rule',
          clauses: [clause('country', ['US', 'CA']), clause('plan', ['premium'])],
          variation: 1,
        },
      ]),
      'scenario-c': flag('scenario-c', [false, true], {
        rollout: {
          variations: [
            { variation: 1, weight: 10000 },
            { variation: 0, weight: 90000 },
          ],
        },
      }),
      'scenario-d': flag(
        'scenario-d',
        ['a', 'b', 'c'],
        {
          rollout: {
            variations: [
              { variation: 0, weight: 33000 },
              { variation: 1, weight: 33000 },
              { variation: 2, weight: 34000 },
            ],
          },
        },
        [{ id: 'd-internal', clauses: [clause('plan', ['internal'])], variation: 1 }],
      ),
    },
    segments: {},
  };
}

function bulk(specs) {
  const flags = {};
  for (const s of specs) {
    flags[s.key] = flag(s.key, [false, true], { variation: 0 }, [
      {
        id: `${s.key}-rule`,
        clauses: [clause('country', s.countries), clause('plan', [s.plan])],
        variation: 1,
      },
    ]);
  }
  return { flags, segments: {} };
}

function context(user) {
  return { kind: 'user', key: user.id, country: user.country, plan: user.plan };
}

module.exports = { scenarios, bulk, context };
