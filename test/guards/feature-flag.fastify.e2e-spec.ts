import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { describeFeatureFlags } from './feature-flag.suite';

describeFeatureFlags({
  name: 'Fastify',
  create: async (moduleRef) =>
    moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
      logger: false,
    }),
});
