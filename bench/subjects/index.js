'use strict';
// The subjects, in table order, with what the report needs to know about each. A subject's own
// module (and the SDK it wraps) is only ever loaded inside that subject's child processes.

const SUBJECTS = [
  { id: 'ours', label: 'nestjs-hybrid-flags', packages: [] },
  {
    id: 'flagd-core',
    label: 'flagd-core',
    packages: ['@openfeature/flagd-core', 'json-logic-engine', '@openfeature/core'],
  },
  { id: 'growthbook', label: 'GrowthBook', packages: ['@growthbook/growthbook'] },
  { id: 'unleash', label: 'Unleash', packages: ['unleash-client'] },
  {
    id: 'launchdarkly',
    label: 'LaunchDarkly',
    packages: ['@launchdarkly/node-server-sdk', '@launchdarkly/js-server-sdk-common'],
  },
];

function loadSubject(id) {
  if (!SUBJECTS.some((s) => s.id === id)) throw new Error(`unknown subject ${id}`);
  return require(`./${id}`);
}

module.exports = { SUBJECTS, loadSubject };
