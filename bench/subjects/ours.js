'use strict';
// Subject: this package's engine, built to dist/ (`npm run build`), via its typed fast paths,
// each captured as a function once; the load is `parseFlagSet(json)`, with strict validation.

const { oursModule } = require('./ours-dist');

let engine;

function lib() {
  if (!engine) engine = oursModule('evaluation/index.js');
  return engine;
}

module.exports = {
  format: require('../flags/flagd'),
  async: false,

  // Loads the engine before anything is timed, as every peer's module is loaded before its load.
  prepare(json) {
    lib();
    return json;
  },

  load(json) {
    const result = lib().parseFlagSet(json);
    if (!result.ok) {
      throw new Error(
        `parseFlagSet rejected the document: ${JSON.stringify(result.errors).slice(0, 500)}`,
      );
    }
    return result.flagSet;
  },

  dispose() {},

  evaluators(flagSet) {
    const { getBoolean, getString } = lib();
    return {
      A: (ctx) => getBoolean(flagSet, 'scenario-a', false, ctx),
      B: (ctx) => getBoolean(flagSet, 'scenario-b', false, ctx),
      C: (ctx) => getBoolean(flagSet, 'scenario-c', false, ctx),
      D: (ctx) => getString(flagSet, 'scenario-d', 'default', ctx),
      bulk: (key, ctx) => getBoolean(flagSet, key, false, ctx),
    };
  },
};
