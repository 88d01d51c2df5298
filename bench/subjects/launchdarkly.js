'use strict';
// Subject: LaunchDarkly's Node server SDK with its file data source (the SDK's documented way to
// run from local flag data), analytics events and diagnostics off, so it never connects anywhere.
// variation() is the SDK's only evaluation path and returns a Promise; each call is awaited.

const fs = require('fs');
const os = require('os');
const path = require('path');
const ld = require('@launchdarkly/node-server-sdk');

const silent = { error: console.error, warn: () => {}, info: () => {}, debug: () => {} };

module.exports = {
  format: require('../flags/launchdarkly'),
  async: true,

  // Untimed: the file data source reads a path, so the JSON string is written to a temp file.
  prepare(json) {
    const file = path.join(os.tmpdir(), `bench-ld-${process.pid}-${json.length}.json`);
    fs.writeFileSync(file, json);
    process.on('exit', () => fs.rmSync(file, { force: true }));
    return file;
  },

  async load(file) {
    const client = ld.init('sdk-bench-offline', {
      updateProcessor: new ld.integrations.FileDataSourceFactory({ paths: [file] }).getFactory(),
      sendEvents: false,
      diagnosticOptOut: true,
      logger: silent,
    });
    await client.waitForInitialization({ timeout: 30 });
    return client;
  },

  dispose(client) {
    client.close();
  },

  evaluators(client) {
    return {
      A: (ctx) => client.variation('scenario-a', ctx, false),
      B: (ctx) => client.variation('scenario-b', ctx, false),
      C: (ctx) => client.variation('scenario-c', ctx, false),
      D: (ctx) => client.variation('scenario-d', ctx, 'default'),
      bulk: (key, ctx) => client.variation(key, ctx, false),
    };
  },
};
