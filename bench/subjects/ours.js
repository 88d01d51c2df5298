'use strict';
// Subject: this package's engine, built to dist/ (`npm run build`), via its typed fast paths.

const path = require('path');

// BENCH_OURS_DIST points at another build (e.g. to compare two versions of the engine).
const DIST = process.env.BENCH_OURS_DIST || path.resolve(__dirname, '../../dist/lib/index.js');
let engine;

function lib() {
  if (!engine) engine = require(DIST);
  return engine;
}

module.exports = {
  format: require('../flags/flagd'),
  async: false,

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
