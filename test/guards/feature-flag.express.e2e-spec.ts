import { describeFeatureFlags } from './feature-flag.suite';

describeFeatureFlags({
  name: 'Express',
  create: async (moduleRef) => moduleRef.createNestApplication({ logger: false }),
});
