'use strict';
// Subject: GrowthBook's multi-user server client (GrowthBookClient), initialised synchronously
// from a payload (initSync, no clientKey, so no fetching, polling or streaming), evaluated per
// request with a user context: isOn() / getFeatureValue().

const { GrowthBookClient } = require('@growthbook/growthbook');

module.exports = {
  format: require('../flags/growthbook'),
  async: false,

  load(json) {
    const client = new GrowthBookClient({});
    client.initSync({ payload: JSON.parse(json) });
    return client;
  },

  dispose(client) {
    client.destroy();
  },

  evaluators(client) {
    return {
      A: (ctx) => client.isOn('scenario-a', ctx),
      B: (ctx) => client.isOn('scenario-b', ctx),
      C: (ctx) => client.isOn('scenario-c', ctx),
      D: (ctx) => client.getFeatureValue('scenario-d', 'default', ctx),
      bulk: (key, ctx) => client.isOn(key, ctx),
    };
  },
};
