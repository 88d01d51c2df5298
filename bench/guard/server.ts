/*
 * The server side of the guard benchmark (bench/guard.ts): the example app's AppModule, whose
 * `GET /beta` is guarded by `@FeatureFlag('beta-dashboard')`, plus twins of that route with the
 * same handler body:
 *
 *   GET /bench/unguarded               without any flag decorator: the baseline
 *   GET /bench/openfeature             behind @openfeature/nestjs-sdk's @RequireFlagsEnabled, its
 *                                      context from the decorator's own contextFactory
 *   GET /bench/openfeature-interceptor the same decorator, its context from OpenFeatureModule's
 *                                      contextFactory through the SDK's EvaluationContextInterceptor
 *
 * The OpenFeature routes evaluate over the OpenFeature SDK's InMemoryProvider, with an
 * equivalent `beta-dashboard` flag. Environment: PORT, HTTP_ADAPTER (express | fastify),
 * SQLITE_FILE. Started by bench/guard.ts, one process per HTTP adapter, from a tsc build.
 */
import 'reflect-metadata';
import {
  Controller,
  type ExecutionContext,
  Get,
  type INestApplication,
  Module,
  UseInterceptors,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  type EvaluationContext,
  EvaluationContextInterceptor,
  InMemoryProvider,
  OpenFeatureModule,
  RequireFlagsEnabled,
} from '@openfeature/nestjs-sdk';
import { AppModule } from '../../example-app/src/app.module';
import { requestContext } from '../../example-app/src/request-context';
import { FlagValue } from '../../lib';

/** The caller as OpenFeature sees it: the example app's requestContext, on the same headers. */
function openFeatureContext(context: ExecutionContext): EvaluationContext {
  const { headers } = context.switchToHttp().getRequest<{ headers: Record<string, string> }>();
  return requestContext(headers) as EvaluationContext; // strings only: targetingKey, country, plan
}

/** `beta-dashboard` of example-app/flags.json: on for the premium and internal plans. */
const OPENFEATURE_FLAGS = {
  'beta-dashboard': {
    variants: { on: true, off: false },
    defaultVariant: 'off',
    disabled: false,
    contextEvaluator: (context: EvaluationContext) =>
      context.plan === 'internal' || context.plan === 'premium' ? 'on' : 'off',
  },
};

@Controller('bench')
export class UnguardedController {
  /** DashboardController.beta without @FeatureFlag. */
  @Get('unguarded')
  beta(@FlagValue('upload-limit-mb', 10) uploadLimitMb: number) {
    return { dashboard: 'beta', uploadLimitMb };
  }
}

@Controller('bench')
export class OpenFeatureController {
  /** DashboardController.beta gated by OpenFeature, the context built by the decorator. */
  @RequireFlagsEnabled({
    flags: [{ flagKey: 'beta-dashboard' }],
    contextFactory: openFeatureContext,
  })
  @Get('openfeature')
  beta(@FlagValue('upload-limit-mb', 10) uploadLimitMb: number) {
    return { dashboard: 'beta', uploadLimitMb };
  }
}

/**
 * The same gate with the context set up the SDK's default way: OpenFeatureModule's
 * contextFactory, made ambient by its EvaluationContextInterceptor. Applied to this controller
 * only (`useGlobalInterceptor: false` below), so that it does not also run on the other routes.
 */
@Controller('bench')
@UseInterceptors(EvaluationContextInterceptor)
export class OpenFeatureInterceptedController {
  @RequireFlagsEnabled({ flags: [{ flagKey: 'beta-dashboard' }] })
  @Get('openfeature-interceptor')
  beta(@FlagValue('upload-limit-mb', 10) uploadLimitMb: number) {
    return { dashboard: 'beta', uploadLimitMb };
  }
}

@Module({
  imports: [
    AppModule,
    OpenFeatureModule.forRoot({
      defaultProvider: new InMemoryProvider(OPENFEATURE_FLAGS),
      contextFactory: openFeatureContext,
      useGlobalInterceptor: false,
    }),
  ],
  controllers: [UnguardedController, OpenFeatureController, OpenFeatureInterceptedController],
})
export class GuardBenchModule {}

/** As example-app/src/main.ts creates the app, without its logger. */
export async function createApp(adapter = process.env.HTTP_ADAPTER): Promise<INestApplication> {
  if (adapter === 'fastify') {
    const { FastifyAdapter } = await import('@nestjs/platform-fastify');
    return NestFactory.create(GuardBenchModule, new FastifyAdapter(), { logger: false });
  }
  return NestFactory.create(GuardBenchModule, { logger: false });
}

async function main(): Promise<void> {
  const app = await createApp();
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT), '127.0.0.1');
  process.stdout.write('listening\n');
}

if (require.main === module) {
  void main().catch((error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
