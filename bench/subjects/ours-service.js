'use strict';
// Subject: this package as a Nest application uses it: `FlagService` from an application context
// running `FlagsModule` with its defaults (usage counted, request context looked up), on an
// in-memory store seeded with the scenarios; `isEnabled` / `getString` on the service instance,
// as a controller calls it. Evaluation only.

require('reflect-metadata');
const { Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { INDEX } = require('./ours-dist');

const { FlagService, FlagsModule, InMemoryFlagStore } = require(INDEX);

module.exports = {
  format: require('../flags/flagd'),
  async: false,
  jobs: ['eval'],

  async load(json) {
    class BenchModule {}
    Module({
      imports: [FlagsModule.forRoot({ store: new InMemoryFlagStore(), seed: JSON.parse(json) })],
    })(BenchModule);
    const app = await NestFactory.createApplicationContext(BenchModule, { logger: false });
    const flags = app.get(FlagService);
    await flags.ready;
    return { app, flags };
  },

  dispose({ app }) {
    void app.close();
  },

  evaluators({ flags }) {
    return {
      A: (ctx) => flags.isEnabled('scenario-a', ctx),
      B: (ctx) => flags.isEnabled('scenario-b', ctx),
      C: (ctx) => flags.isEnabled('scenario-c', ctx),
      D: (ctx) => flags.getString('scenario-d', 'default', ctx),
    };
  },
};
