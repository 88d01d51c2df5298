'use strict';
// Subject: this package's engine called as compiled TypeScript calls it: `import { getBoolean }
// from 'nestjs-hybrid-flags'` compiles to `(0, nestjs_hybrid_flags_1.getBoolean)(...)`, a read of
// the package root's export at every call, not a function captured once. Evaluation only.

const { INDEX } = require('./ours-dist');

// Named and called as tsc emits it (module: commonjs).
const nestjs_hybrid_flags_1 = require(INDEX);

module.exports = {
  format: require('../flags/flagd'),
  async: false,
  jobs: ['eval'],

  load(json) {
    const result = (0, nestjs_hybrid_flags_1.parseFlagSet)(json);
    if (!result.ok) throw new Error(`parseFlagSet rejected the document`);
    return result.flagSet;
  },

  dispose() {},

  evaluators(flagSet) {
    return {
      A: (ctx) => (0, nestjs_hybrid_flags_1.getBoolean)(flagSet, 'scenario-a', false, ctx),
      B: (ctx) => (0, nestjs_hybrid_flags_1.getBoolean)(flagSet, 'scenario-b', false, ctx),
      C: (ctx) => (0, nestjs_hybrid_flags_1.getBoolean)(flagSet, 'scenario-c', false, ctx),
      D: (ctx) => (0, nestjs_hybrid_flags_1.getString)(flagSet, 'scenario-d', 'default', ctx),
    };
  },
};
