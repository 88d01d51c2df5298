import { Test } from '@nestjs/testing';
import request from 'supertest';
import { FlagsModule, InMemoryFlagStore } from '../../lib';
import { sqliteTarget } from '../store/database-targets';
import { describeDeliveryFuzz } from './delivery-fuzz.suite';
import { describeDeliveryOrdering } from './delivery-ordering.suite';
import { describeSignedEndpoints } from './signed-endpoints.suite';

describeSignedEndpoints(sqliteTarget());
describeDeliveryFuzz(sqliteTarget(), { numRuns: 120, maxDeliveries: 40 });
describeDeliveryOrdering(sqliteTarget(), { numRuns: 40, shuffles: 2, maxRevisions: 30 });

describe('signed endpoints without a webhook configuration', () => {
  it('answer 404, like routes that do not exist', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [FlagsModule.forRoot({ store: new InMemoryFlagStore() })],
    }).compile();
    const app = await moduleRef.createNestApplication({ logger: false }).init();
    await request(app.getHttpServer()).get('/_flags/state').expect(404);
    await app.close();
  });
});
