import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { FlagsTestingModule, TestingFlags } from '../../lib/testing';
import { CheckoutService } from '../src/checkout.service';
import { DashboardController } from '../src/dashboard.controller';
import { FlagsController } from '../src/flags.controller';
import { requestContext } from '../src/request-context';

/*
 * How a host tests code that uses flags: FlagsTestingModule instead of FlagsModule, no database,
 * the flags the test needs, changed between requests with TestingFlags.
 */
describe('the dashboard and checkout, with FlagsTestingModule', () => {
  let app: INestApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        FlagsTestingModule.forRoot({
          flags: { 'beta-dashboard': true, 'upload-limit-mb': 250, 'checkout-flow': 'one-page' },
          // The same callers as in the app (see AppModule).
          context: {
            fromRequest: (req: { headers: Record<string, string> }) => requestContext(req.headers),
          },
        }),
      ],
      controllers: [DashboardController, FlagsController],
      providers: [CheckoutService],
    }).compile();
    app = await moduleRef.createNestApplication({ logger: false }).init();
  });

  afterEach(() => app.get(TestingFlags).reset());
  afterAll(() => app.close());

  it('serves /beta while beta-dashboard is on, and 404 once a test turns it off', async () => {
    await request(app.getHttpServer())
      .get('/beta')
      .expect(200, { dashboard: 'beta', uploadLimitMb: 250 });
    app.get(TestingFlags).set({ 'beta-dashboard': false });
    await request(app.getHttpServer()).get('/beta').expect(404);
  });

  it('lets a test give a full flagd definition, targeting included', async () => {
    app.get(TestingFlags).set({
      'checkout-flow': {
        state: 'ENABLED',
        variants: { classic: 'classic', express: 'express' },
        defaultVariant: 'classic',
        targeting: { if: [{ '==': [{ var: 'plan' }, 'premium'] }, 'express', 'classic'] },
      },
    });
    const premium = await request(app.getHttpServer())
      .get('/checkout')
      .set('x-plan', 'premium')
      .expect(200);
    expect(premium.body).toMatchObject({ flow: 'express', reason: 'TARGETING_MATCH' });
    const free = await request(app.getHttpServer()).get('/checkout').set('x-plan', 'free');
    expect(free.body).toMatchObject({ flow: 'classic', uploadLimitMb: 250 });
  });

  it('serves the values given to forRoot after a reset', async () => {
    const response = await request(app.getHttpServer()).get('/checkout').expect(200);
    expect(response.body).toEqual({
      flow: 'one-page',
      variant: 'one-page',
      reason: 'STATIC',
      uploadLimitMb: 250,
    });
  });
});
