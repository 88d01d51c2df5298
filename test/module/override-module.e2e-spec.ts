import { Controller, Get, type INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { FeatureFlag, FlagService, FlagsModule, InMemoryFlagStore } from '../../lib';
import { FlagsTestingModule, TestingFlags } from '../../lib/testing';

/*
 * How an application's own e2e test swaps FlagsModule for FlagsTestingModule (README, "Testing
 * code that uses flags"): Nest's overrideModule matches the very object imported, so the
 * application keeps its configured module in a constant and the test overrides that.
 */
const flagsModule = FlagsModule.forRoot({
  store: new InMemoryFlagStore(),
  seed: {
    flags: {
      'new-checkout': {
        state: 'ENABLED',
        variants: { on: true, off: false },
        defaultVariant: 'off',
      },
    },
  },
});

@Controller()
class AppController {
  constructor(private readonly flags: FlagService) {}

  @Get()
  home() {
    return { newCheckout: this.flags.isEnabled('new-checkout') };
  }

  @FeatureFlag('new-checkout')
  @Get('checkout')
  checkout() {
    return { checkout: 'new' };
  }
}

@Module({ imports: [flagsModule], controllers: [AppController] })
class AppModule {}

describe('overriding the application’s FlagsModule in its own tests', () => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('replaces it with FlagsTestingModule when the constant the app imports is overridden', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
      .overrideModule(flagsModule)
      .useModule(FlagsTestingModule.forRoot({ flags: { 'new-checkout': true } }))
      .compile();
    app = await moduleRef.createNestApplication({ logger: false }).init();
    await request(app.getHttpServer()).get('/').expect(200, { newCheckout: true });
    await request(app.getHttpServer()).get('/checkout').expect(200);
    app.get(TestingFlags).set({ 'new-checkout': false });
    await request(app.getHttpServer()).get('/').expect(200, { newCheckout: false });
    await request(app.getHttpServer()).get('/checkout').expect(404);
  });

  it('matches nothing when the class is overridden, as the README warns', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
      .overrideModule(FlagsModule)
      .useModule(FlagsTestingModule.forRoot({ flags: { 'new-checkout': true } }))
      .compile();
    app = await moduleRef.createNestApplication({ logger: false }).init();
    // The application's own module still serves its seed (off), and TestingFlags is absent.
    await request(app.getHttpServer()).get('/').expect(200, { newCheckout: false });
    expect(() => app?.get(TestingFlags)).toThrow();
  });
});
