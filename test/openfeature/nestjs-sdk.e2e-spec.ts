import { Controller, Get, type INestApplication, Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  BooleanFeatureFlag,
  OpenFeatureClient,
  OpenFeatureModule,
  RequireFlagsEnabled,
  StringFeatureFlag,
} from '@openfeature/nestjs-sdk';
import {
  type Client,
  type EvaluationDetails,
  type EventDetails,
  OpenFeature,
  ProviderEvents,
} from '@openfeature/server-sdk';
import { type Observable, map } from 'rxjs';
import request from 'supertest';
import { type FlagSetDocument, FlagsModule, InMemoryFlagStore } from '../../lib';
import { HybridFlagsProvider } from '../../lib/openfeature';
import { until } from '../support/until';
import { write } from './openfeature-fixtures';

const bool = (defaultVariant: 'on' | 'off', targeting?: unknown) => ({
  state: 'ENABLED',
  variants: { on: true, off: false },
  defaultVariant,
  ...(targeting === undefined ? {} : { targeting }),
});

const FLAGS: FlagSetDocument = {
  flags: {
    // On for premium users: the plan comes from a header, through the nestjs-sdk's contextFactory.
    'new-checkout': bool('off', { if: [{ '==': [{ var: 'plan' }, 'premium'] }, 'on', 'off'] }),
    'beta-area': bool('off'),
    theme: {
      state: 'ENABLED',
      variants: { dark: 'dark', light: 'light' },
      defaultVariant: 'light',
      targeting: { if: [{ '==': [{ var: 'targetingKey' }, 'ada'] }, 'dark', 'light'] },
    },
  },
};

/** Application code that knows only OpenFeature: an injected client, deep in a service. */
@Injectable()
class ThemeService {
  constructor(@OpenFeatureClient() private readonly client: Client) {}

  theme(): Promise<string> {
    return this.client.getStringValue('theme', 'none');
  }
}

@Controller()
class ShopController {
  constructor(private readonly themes: ThemeService) {}

  @Get('checkout')
  checkout(
    @BooleanFeatureFlag({ flagKey: 'new-checkout', defaultValue: false })
    flag: Observable<EvaluationDetails<boolean>>,
  ) {
    return flag.pipe(
      map(({ value, reason }) => ({ flow: value ? 'new' : 'classic', reason: reason ?? null })),
    );
  }

  @Get('banner')
  banner(
    @StringFeatureFlag({ flagKey: 'banner', defaultValue: 'none' })
    flag: Observable<EvaluationDetails<string>>,
  ) {
    return flag.pipe(map(({ value, errorCode }) => ({ value, errorCode: errorCode ?? null })));
  }

  @Get('beta')
  @RequireFlagsEnabled({ flags: [{ flagKey: 'beta-area' }] })
  beta() {
    return { beta: true };
  }

  @Get('theme')
  async theme() {
    return { theme: await this.themes.theme() };
  }
}

describe('@openfeature/nestjs-sdk on FlagsModule, through HybridFlagsProvider', () => {
  let app: INestApplication | undefined;

  afterEach(async () => {
    // Closing the app closes OpenFeature too (the nestjs-sdk's shutdown hook).
    await app?.close();
    app = undefined;
    await OpenFeature.clearProviders();
    OpenFeature.clearHandlers();
  });

  it('serves decorators, guards and injected clients from the module’s flags, and follows changes', async () => {
    const store = new InMemoryFlagStore();
    await write(store, FLAGS);
    const changes: EventDetails<ProviderEvents.ConfigurationChanged>[] = [];
    const provider = new HybridFlagsProvider();

    @Module({
      imports: [
        FlagsModule.forRoot({
          store,
          sync: { pollIntervalMs: 20 },
          openFeature: provider,
        }),
        OpenFeatureModule.forRoot({
          defaultProvider: provider,
          contextFactory: (context) => {
            const { headers } = context.switchToHttp().getRequest();
            return {
              ...(headers['x-user'] ? { targetingKey: String(headers['x-user']) } : {}),
              ...(headers['x-plan'] ? { plan: String(headers['x-plan']) } : {}),
            };
          },
          handlers: [
            [
              ProviderEvents.ConfigurationChanged,
              (details) => {
                if (details) changes.push(details);
              },
            ],
          ],
        }),
      ],
      controllers: [ShopController],
      providers: [ThemeService],
    })
    class AppModule {}

    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = await moduleRef.createNestApplication({ logger: false }).init();
    const http = app.getHttpServer();

    await request(http)
      .get('/checkout')
      .set('x-plan', 'premium')
      .expect(200, { flow: 'new', reason: 'TARGETING_MATCH' });
    await request(http)
      .get('/checkout')
      .expect(200, { flow: 'classic', reason: 'TARGETING_MATCH' });
    await request(http).get('/banner').expect(200, { value: 'none', errorCode: 'FLAG_NOT_FOUND' });
    await request(http).get('/theme').set('x-user', 'ada').expect(200, { theme: 'dark' });
    await request(http).get('/theme').expect(200, { theme: 'light' });
    await request(http).get('/beta').expect(404);

    // The control plane turns the beta area on and the new checkout on for everyone.
    await write(store, {
      flags: { ...FLAGS.flags, 'beta-area': bool('on'), 'new-checkout': bool('on') },
    });
    await until(() => changes.length === 1);
    expect([...(changes[0].flagsChanged ?? [])].sort()).toEqual(['beta-area', 'new-checkout']);

    await request(http).get('/beta').expect(200, { beta: true });
    await request(http).get('/checkout').expect(200, { flow: 'new', reason: 'STATIC' });

    await write(store, { flags: { ...FLAGS.flags, 'new-checkout': bool('on') } });
    await until(() => changes.length === 2);
    expect(changes[1].flagsChanged).toEqual(['beta-area']);
    await request(http).get('/beta').expect(404);
  });
});
