import {
  Controller,
  ForbiddenException,
  Get,
  Injectable,
  type INestApplication,
  type NestMiddleware,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  Version,
  VersioningType,
} from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import {
  FeatureFlag,
  FeatureFlagGuard,
  type FeatureFlagRequirement,
  type FlagSetDocument,
  FlagService,
  FlagsModule,
  type FlagsModuleExtras,
  type FlagsModuleOptions,
  FlagValue,
  InMemoryFlagStore,
} from '../../lib';

const bool = (targeting?: unknown) => ({
  state: 'ENABLED',
  variants: { on: true, off: false },
  defaultVariant: 'off',
  ...(targeting === undefined ? {} : { targeting }),
});

export const FLAGS: FlagSetDocument = {
  flags: {
    // On for the user "ada" only.
    beta: bool({ if: [{ '==': [{ var: 'targetingKey' }, 'ada'] }, 'on', 'off'] }),
    // On for the premium plan (a header copied into the context).
    premium: bool({ if: [{ '==': [{ var: 'plan' }, 'premium'] }, 'on', 'off'] }),
    everyone: { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'on' },
    theme: {
      state: 'ENABLED',
      variants: { light: 'light', dark: 'dark' },
      defaultVariant: 'light',
      targeting: { if: [{ '==': [{ var: 'plan' }, 'premium'] }, 'dark', 'light'] },
    },
    limit: { state: 'ENABLED', variants: { small: 10, large: 100 }, defaultVariant: 'large' },
    layout: {
      state: 'ENABLED',
      variants: { grid: { columns: 3 }, list: { columns: 1 } },
      defaultVariant: 'grid',
    },
  },
};

/** Plays an authentication layer: the user named by `x-user` becomes `request.user`. */
@Injectable()
class FakeAuth implements NestMiddleware {
  use(
    request: { headers: Record<string, string>; user?: unknown },
    _response: unknown,
    next: () => void,
  ) {
    if (request.headers['x-user']) request.user = { id: request.headers['x-user'] };
    next();
  }
}

@Injectable()
class ThemeService {
  constructor(private readonly flags: FlagService) {}

  /** Deep inside the app, with no context passed along. */
  theme(): string {
    return this.flags.getString('theme', 'none');
  }

  themeFor(plan: string): string {
    return this.flags.getString('theme', 'none', { plan });
  }
}

@Controller('routes')
class RoutesController {
  constructor(private readonly themes: ThemeService) {}

  @FeatureFlag('beta')
  @Get('beta')
  beta() {
    return { ok: true };
  }

  @FeatureFlag('beta')
  @FeatureFlag('premium')
  @Get('both')
  both() {
    return { ok: true };
  }

  @FeatureFlag('theme', { variant: 'dark' })
  @Get('dark')
  dark() {
    return { ok: true };
  }

  @FeatureFlag('limit', { value: 100 })
  @FeatureFlag('layout', { value: { columns: 3 } })
  @Get('values')
  values() {
    return { ok: true };
  }

  @FeatureFlag('premium', { exception: () => new ForbiddenException('Upgrade to premium') })
  @Get('upgrade')
  upgrade() {
    return { ok: true };
  }

  @FeatureFlag('missing-flag')
  @Get('missing')
  missing() {
    return { ok: true };
  }

  @Get('open')
  open() {
    return { ok: true };
  }

  @Get('ambient')
  ambient() {
    return { theme: this.themes.theme(), explicit: this.themes.themeFor('free') };
  }

  @Get('value')
  value(
    @FlagValue('theme', 'none') theme: string,
    @FlagValue('limit', 0) limit: number,
    @FlagValue('beta', false) beta: boolean,
    @FlagValue('layout', { columns: 0 }) layout: { columns: number },
  ) {
    return { theme, limit, beta, layout };
  }

  @Version('2')
  @FeatureFlag('beta')
  @Get('versioned')
  versioned() {
    return { version: 2 };
  }
}

@FeatureFlag('premium')
@Controller('premium')
class PremiumController {
  @Get()
  index() {
    return { ok: true };
  }

  // A handler's decorators replace its class's.
  @FeatureFlag('everyone')
  @Get('teaser')
  teaser() {
    return { ok: true };
  }
}

export interface AppFactory {
  name: string;
  create(moduleRef: import('@nestjs/testing').TestingModule): Promise<INestApplication>;
}

async function start(
  factory: AppFactory,
  options: FlagsModuleOptions & FlagsModuleExtras = {},
  configure?: (app: INestApplication) => void,
): Promise<INestApplication> {
  @Module({
    imports: [
      FlagsModule.forRoot({
        store: new InMemoryFlagStore(),
        seed: FLAGS,
        context: { headers: { 'X-Plan': 'plan' } },
        ...options,
      }),
    ],
    controllers: [RoutesController, PremiumController],
    providers: [ThemeService],
  })
  class AppModule implements NestModule {
    configure(consumer: MiddlewareConsumer) {
      consumer.apply(FakeAuth).forRoutes('*path');
    }
  }
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  const app = await factory.create(moduleRef);
  configure?.(app);
  await app.init();
  if (factory.name === 'Fastify') {
    await (app.getHttpAdapter().getInstance() as { ready(): Promise<void> }).ready();
  }
  return app;
}

/** @FeatureFlag, @FlagValue and the ambient request context, on one HTTP platform. */
export function describeFeatureFlags(factory: AppFactory): void {
  describe(`@FeatureFlag on ${factory.name}`, () => {
    let app: INestApplication;
    const get = (path: string, headers: Record<string, string> = {}) =>
      request(app.getHttpServer()).get(path).set(headers);

    describe('with the default guard and context', () => {
      beforeAll(async () => {
        app = await start(factory);
      });
      afterAll(() => app.close());

      it('serves a route only when its boolean flag is on for the request', async () => {
        await get('/routes/beta', { 'x-user': 'ada' }).expect(200, { ok: true });
        const refused = await get('/routes/beta', { 'x-user': 'bob' }).expect(404);
        // The same answer as a route that does not exist.
        const absent = await get('/routes/nowhere', { 'x-user': 'bob' }).expect(404);
        expect(refused.body).toEqual({ ...absent.body, message: 'Cannot GET /routes/beta' });
        await get('/routes/beta').expect(404);
      });

      it('needs every flag of a handler to pass', async () => {
        await get('/routes/both', { 'x-user': 'ada', 'x-plan': 'premium' }).expect(200);
        await get('/routes/both', { 'x-user': 'ada', 'x-plan': 'free' }).expect(404);
        await get('/routes/both', { 'x-user': 'bob', 'x-plan': 'premium' }).expect(404);
      });

      it('checks a variant or a value for flags that are not boolean', async () => {
        await get('/routes/dark', { 'x-plan': 'premium' }).expect(200);
        await get('/routes/dark', { 'x-plan': 'free' }).expect(404);
        await get('/routes/values').expect(200);
      });

      it('throws the exception a decorator asks for', async () => {
        const response = await get('/routes/upgrade').expect(403);
        expect(response.body.message).toBe('Upgrade to premium');
        await get('/routes/upgrade', { 'x-plan': 'premium' }).expect(200);
      });

      it('refuses a flag that does not exist, and leaves undecorated routes alone', async () => {
        await get('/routes/missing', { 'x-user': 'ada' }).expect(404);
        await get('/routes/open').expect(200);
      });

      it("applies a class's flag to its handlers, unless a handler has its own", async () => {
        await get('/premium', { 'x-plan': 'premium' }).expect(200);
        await get('/premium', { 'x-plan': 'free' }).expect(404);
        await get('/premium/teaser', { 'x-plan': 'free' }).expect(200);
      });

      it('makes the request context ambient for services, an explicit one merging over it', async () => {
        const premium = await get('/routes/ambient', { 'x-plan': 'premium' }).expect(200);
        expect(premium.body).toEqual({ theme: 'dark', explicit: 'light' });
        const anonymous = await get('/routes/ambient').expect(200);
        expect(anonymous.body).toEqual({ theme: 'light', explicit: 'light' });
        // Outside any request there is no ambient context.
        expect(app.get(FlagService).getString('theme', 'none')).toBe('light');
      });

      it('keeps concurrent requests apart', async () => {
        const answers = await Promise.all(
          Array.from({ length: 40 }, (_, i) =>
            get('/routes/ambient', { 'x-plan': i % 2 === 0 ? 'premium' : 'free' }),
          ),
        );
        answers.forEach((answer, i) => {
          expect(answer.body.theme).toBe(i % 2 === 0 ? 'dark' : 'light');
        });
      });

      it('injects flag values with @FlagValue, typed by their default', async () => {
        const response = await get('/routes/value', { 'x-user': 'ada', 'x-plan': 'premium' });
        expect(response.body).toEqual({
          theme: 'dark',
          limit: 100,
          beta: true,
          layout: { columns: 3 },
        });
        const other = await get('/routes/value', { 'x-user': 'bob' });
        expect(other.body).toMatchObject({ theme: 'light', beta: false });
      });
    });

    describe('with a global prefix and versioning', () => {
      beforeAll(async () => {
        app = await start(factory, {}, (created) => {
          created.setGlobalPrefix('api');
          created.enableVersioning({ type: VersioningType.URI, defaultVersion: '1' });
        });
      });
      afterAll(() => app.close());

      it('guards prefixed and versioned routes the same way', async () => {
        await get('/api/v1/routes/beta', { 'x-user': 'ada' }).expect(200);
        await get('/api/v1/routes/beta', { 'x-user': 'bob' }).expect(404);
        await get('/api/v2/routes/versioned', { 'x-user': 'ada' }).expect(200, { version: 2 });
        await get('/api/v2/routes/versioned', { 'x-user': 'bob' }).expect(404);
      });
    });

    describe('with a requestContext option', () => {
      beforeAll(async () => {
        app = await start(factory, {
          context: {
            fromRequest: (req: { headers: Record<string, string> }) => ({
              targetingKey: req.headers['x-account'],
            }),
          },
        });
      });
      afterAll(() => app.close());

      it('builds the context with it', async () => {
        await get('/routes/beta', { 'x-account': 'ada' }).expect(200);
        await get('/routes/beta', { 'x-user': 'ada' }).expect(404);
      });
    });

    describe('with a guard of its own', () => {
      @Injectable()
      class LenientGuard extends FeatureFlagGuard {
        protected override passes(requirement: FeatureFlagRequirement): boolean {
          return requirement.key !== 'missing-flag';
        }
      }

      beforeAll(async () => {
        app = await start(factory, { guard: LenientGuard });
      });
      afterAll(() => app.close());

      it('uses the overridden rule', async () => {
        await get('/routes/beta', { 'x-user': 'bob' }).expect(200);
        await get('/routes/missing').expect(404);
      });
    });

    describe('with guard: false', () => {
      beforeAll(async () => {
        app = await start(factory, { guard: false });
      });
      afterAll(() => app.close());

      it('leaves enforcement to the host', async () => {
        await get('/routes/beta', { 'x-user': 'bob' }).expect(200);
      });
    });
  });
}
