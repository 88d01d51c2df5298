'use strict';
// The subjects, in table order, with what the report needs to know about each. A subject's own
// module (and the SDK it wraps) is only ever loaded inside that subject's child processes.
// `ours` marks this package's ways in (peers are compared with them, never among them); `jobs`
// limits a subject to evaluation ("eval") or load and memory ("memory"), default both.

const SUBJECTS = [
  { id: 'ours', label: 'nestjs-hybrid-flags', packages: [], ours: true },
  {
    id: 'ours-root',
    label: 'via the package root',
    packages: [],
    ours: true,
    jobs: ['eval'],
  },
  {
    id: 'ours-service',
    label: 'via FlagService',
    packages: [],
    ours: true,
    jobs: ['eval'],
  },
  {
    id: 'ours-store',
    label: 'nestjs-hybrid-flags, from store rows',
    packages: [],
    ours: true,
    jobs: ['memory'],
  },
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

/** Whether a subject takes part in a kind of job. */
function runs(subject, mode) {
  return !subject.jobs || subject.jobs.includes(mode);
}

module.exports = { SUBJECTS, loadSubject, runs };
