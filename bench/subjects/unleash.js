'use strict';
// Subject: unleash-client (Node server SDK), bootstrapped from data with fetching, metrics and
// the on-disk backup turned off: refreshInterval 0 never polls, disableMetrics never registers or
// reports, the in-memory storage provider never writes a backup file. The URL is required by the
// constructor and is never contacted (the no-network guard checks that).

const { once } = require('events');
const { Unleash, InMemStorageProvider } = require('unleash-client');

module.exports = {
  format: require('../flags/unleash'),
  async: false,

  async load(json) {
    const payload = JSON.parse(json);
    const unleash = new Unleash({
      appName: 'bench',
      url: 'http://127.0.0.1:9/',
      refreshInterval: 0,
      metricsInterval: 0,
      disableMetrics: true,
      storageProvider: new InMemStorageProvider(),
      bootstrap: { data: payload.features },
      skipInstanceCountWarning: true,
    });
    unleash.on('error', (err) => {
      throw err;
    });
    if (!unleash.isSynchronized()) await once(unleash, 'synchronized');
    if (!unleash.ready) await once(unleash, 'ready');
    return unleash;
  },

  dispose(unleash) {
    unleash.destroy();
  },

  evaluators(unleash) {
    return {
      A: (ctx) => unleash.isEnabled('scenario-a', ctx),
      B: (ctx) => unleash.isEnabled('scenario-b', ctx),
      C: (ctx) => unleash.isEnabled('scenario-c', ctx),
      D: (ctx) => unleash.getVariant('scenario-d', ctx).name,
      bulk: (key, ctx) => unleash.isEnabled(key, ctx),
    };
  },
};
