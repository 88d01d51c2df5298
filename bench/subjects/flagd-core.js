'use strict';
// Subject: @openfeature/flagd-core, the in-process evaluator behind OpenFeature's flagd
// providers, in its default (compiled json-logic-engine) mode.

const { FlagdCore } = require('@openfeature/flagd-core');

// flagd-core logs through this; it stays silent unless something goes wrong.
const logger = {
  error: (...args) => console.error('[flagd-core]', ...args),
  warn: (...args) => console.error('[flagd-core]', ...args),
  info: () => {},
  debug: () => {},
};

module.exports = {
  format: require('../flags/flagd'),
  async: false,

  load(json) {
    const core = new FlagdCore(undefined, logger);
    core.setConfigurations(json);
    return core;
  },

  dispose() {},

  evaluators(core) {
    return {
      A: (ctx) => core.resolveBooleanEvaluation('scenario-a', false, ctx, logger).value,
      B: (ctx) => core.resolveBooleanEvaluation('scenario-b', false, ctx, logger).value,
      C: (ctx) => core.resolveBooleanEvaluation('scenario-c', false, ctx, logger).value,
      D: (ctx) => core.resolveStringEvaluation('scenario-d', 'default', ctx, logger).value,
      bulk: (key, ctx) => core.resolveBooleanEvaluation(key, false, ctx, logger).value,
    };
  },
};
