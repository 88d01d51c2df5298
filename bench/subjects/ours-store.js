'use strict';
// Subject: this package's engine loaded as the module loads its own store: the rows a FlagStore
// returns (key and definition text per flag) turned into a flag set by `flagSetFromStore`, which
// keeps each definition's text and parses it when the flag is first evaluated. Load and memory
// only: evaluation is the same engine as "ours".

const { oursModule } = require('./ours-dist');

let modules;

function lib() {
  if (!modules) {
    modules = {
      flagSetFromStore: oursModule('sync/flag-set-from-store.js').flagSetFromStore,
      engine: oursModule('evaluation/index.js'),
    };
  }
  return modules;
}

module.exports = {
  format: require('../flags/flagd'),
  async: false,
  jobs: ['memory'],
  /** `prepare` returns the document loaded (LaunchDarkly's returns a file's path). */
  preparesDocument: true,

  /** The flagd document as the rows of a store, in JSON: what a database driver would read. */
  prepare(json) {
    lib();
    const { flags, $evaluators = {}, metadata } = JSON.parse(json);
    const rows = (entries) =>
      Object.entries(entries).map(([key, definition]) => ({
        key,
        definition: JSON.stringify(definition),
      }));
    return JSON.stringify({
      revision: 1,
      checksum: '',
      updatedAt: null,
      flags: rows(flags),
      evaluators: rows($evaluators),
      metadata: metadata === undefined ? null : JSON.stringify(metadata),
    });
  },

  /**
   * Untimed, before each load: the rows in memory as the store returns them, every string new (as
   * a driver makes them), so a flag set that keeps a definition's text counts it in its heap.
   */
  input(rowsJson) {
    return JSON.parse(rowsJson);
  },

  load(stored) {
    return lib().flagSetFromStore(stored);
  },

  dispose() {},

  evaluators(flagSet) {
    const { getBoolean } = lib().engine;
    return { bulk: (key, ctx) => getBoolean(flagSet, key, false, ctx) };
  },
};
