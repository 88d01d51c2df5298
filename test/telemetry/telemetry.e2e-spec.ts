import {
  Controller,
  Get,
  type INestApplication,
  type MiddlewareConsumer,
  Module,
  type NestModule,
} from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { context, trace, type Span } from '@opentelemetry/api';
import { AlwaysOffSampler, BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { OpenFeature } from '@openfeature/server-sdk';
import request from 'supertest';
import {
  FeatureFlag,
  type FlagEvaluationEvent,
  FlagService,
  FlagValue,
  type FlagsModuleOptions,
  FlagsModule,
  InMemoryFlagStore,
} from '../../lib';
import type { EvaluationTracer } from '../../lib/core/evaluation-tracer';
import { EVALUATION_TRACER } from '../../lib/core/flags.constants';
import { HybridFlagsProvider } from '../../lib/openfeature';
import { ControllableStore } from '../module/controllable.store';
import { AUDIENCE, PUBLIC_PEM, postDelivery, token } from '../webhook/signed-app';
import { eventsOf, type OtelRecorder, startOtelRecorder } from './otel-recorder';

const FLAGS = {
  flags: {
    beta: { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'on' },
    theme: { state: 'ENABLED', variants: { dark: 'dark', light: 'light' }, defaultVariant: 'dark' },
    premium: {
      state: 'ENABLED',
      variants: { on: true, off: false },
      defaultVariant: 'off',
      targeting: { if: [{ '==': [{ var: 'plan' }, 'premium'] }, 'on', null] },
    },
    retired: { state: 'DISABLED', variants: { on: true, off: false }, defaultVariant: 'on' },
  },
};
const WEBHOOK = { audience: AUDIENCE, keys: [{ kid: 'cp', publicKey: PUBLIC_PEM }] };

/** The attributes every evaluation event has, beside those of the evaluation. */
const COMMON = { 'feature_flag.provider.name': 'nestjs-hybrid-flags', 'feature_flag.version': '1' };

const evaluation = (attributes: Record<string, unknown>) => ({
  name: 'feature_flag.evaluation',
  attributes: { ...COMMON, ...attributes },
});

describe('OpenTelemetry', () => {
  let otel: OtelRecorder;
  const apps: INestApplication[] = [];

  beforeAll(() => {
    otel = startOtelRecorder();
  });
  afterAll(async () => {
    await otel.stop();
  });
  beforeEach(() => otel.reset());
  afterEach(async () => {
    for (const app of apps.splice(0).reverse()) await app.close();
  });

  async function start(
    options: FlagsModuleOptions = {},
    imports: Array<new () => unknown> = [],
  ): Promise<INestApplication> {
    const moduleRef = await Test.createTestingModule({
      imports: [
        FlagsModule.forRoot({
          store: new InMemoryFlagStore(),
          seed: FLAGS,
          metrics: false,
          usage: false,
          isGlobal: true,
          ...options,
        } as FlagsModuleOptions),
        ...imports,
      ],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    apps.push(app);
    return app;
  }

  describe('evaluations', () => {
    it('adds a feature_flag.evaluation event to the active span, as the conventions name it', async () => {
      const flags = (await start()).get(FlagService);
      const span = await otel.inSpan(() => {
        flags.isEnabled('beta', { targetingKey: 'ada' });
        flags.getString('theme', 'light');
        flags.getBoolean('premium', false, { plan: 'premium' });
        flags.getBoolean('premium', false, { plan: 'free' });
        flags.isEnabled('retired');
        flags.isEnabled('missing');
        flags.getString('beta', 'plain');
      });

      expect(eventsOf(span)).toEqual([
        evaluation({
          'feature_flag.key': 'beta',
          'feature_flag.result.variant': 'on',
          'feature_flag.result.reason': 'static',
        }),
        evaluation({
          'feature_flag.key': 'theme',
          'feature_flag.result.variant': 'dark',
          'feature_flag.result.reason': 'static',
        }),
        evaluation({
          'feature_flag.key': 'premium',
          'feature_flag.result.variant': 'on',
          'feature_flag.result.reason': 'targeting_match',
        }),
        evaluation({
          'feature_flag.key': 'premium',
          'feature_flag.result.variant': 'off',
          'feature_flag.result.reason': 'default',
        }),
        evaluation({ 'feature_flag.key': 'retired', 'feature_flag.result.reason': 'disabled' }),
        evaluation({
          'feature_flag.key': 'missing',
          'feature_flag.result.reason': 'error',
          'error.type': 'flag_not_found',
        }),
        evaluation({
          'feature_flag.key': 'beta',
          'feature_flag.result.reason': 'error',
          'error.type': 'type_mismatch',
        }),
      ]);
      // Never the targeting key unless asked, nor a value.
      expect(JSON.stringify(span.events)).not.toContain('ada');
    });

    it('records the targeting key as feature_flag.context.id with contextId: true', async () => {
      const flags = (await start({ telemetry: { contextId: true } })).get(FlagService);
      const span = await otel.inSpan(() => {
        flags.isEnabled('beta', { targetingKey: 'ada' });
        flags.isEnabled('beta');
      });
      expect(eventsOf(span)).toEqual([
        evaluation({
          'feature_flag.key': 'beta',
          'feature_flag.result.variant': 'on',
          'feature_flag.result.reason': 'static',
          'feature_flag.context.id': 'ada',
        }),
        evaluation({
          'feature_flag.key': 'beta',
          'feature_flag.result.variant': 'on',
          'feature_flag.result.reason': 'static',
        }),
      ]);
    });

    it('leaves out feature_flag.version while the store has not answered (bootstrap flags)', async () => {
      const store = new ControllableStore();
      store.mode = 'down';
      const flags = (
        await start({ store, seed: undefined, bootstrap: FLAGS, sync: { loadTimeoutMs: 20 } })
      ).get(FlagService);
      const span = await otel.inSpan(() => flags.isEnabled('beta'));
      expect(eventsOf(span)).toEqual([
        {
          name: 'feature_flag.evaluation',
          attributes: {
            'feature_flag.provider.name': 'nestjs-hybrid-flags',
            'feature_flag.key': 'beta',
            'feature_flag.result.variant': 'on',
            'feature_flag.result.reason': 'static',
          },
        },
      ]);
    });

    it('records nothing without an active span', async () => {
      const flags = (await start()).get(FlagService);
      const getActiveSpan = jest.spyOn(trace, 'getActiveSpan');
      try {
        expect(flags.isEnabled('beta')).toBe(true);
        expect(getActiveSpan).toHaveReturnedWith(undefined);
      } finally {
        getActiveSpan.mockRestore();
      }
      // Nor on a span started after.
      const span = await otel.inSpan(() => undefined);
      expect(span.events).toEqual([]);
    });

    it('builds nothing for a span that is not recording', async () => {
      const flags = (await start()).get(FlagService);
      const addEvent = jest.fn();
      const spanContext = { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 0 };
      const notRecording = {
        spanContext: () => spanContext,
        isRecording: () => false,
        addEvent,
      } as unknown as Span;
      context.with(trace.setSpan(context.active(), notRecording), () => flags.isEnabled('beta'));
      expect(addEvent).not.toHaveBeenCalled();
      // The check is real: the same span recording gets the event.
      const recording = { ...notRecording, isRecording: () => true, addEvent } as Span;
      context.with(trace.setSpan(context.active(), recording), () => flags.isEnabled('beta'));
      expect(addEvent).toHaveBeenCalledTimes(1);
    });

    it('records nothing with events.sampleRate 0', async () => {
      const app = await start({ events: { sampleRate: 0 } });
      const span = await otel.inSpan(() => app.get(FlagService).isEnabled('beta'));
      expect(span.events).toEqual([]);
    });

    it('records nothing with telemetry: false', async () => {
      const app = await start({ telemetry: false });
      expect(app.get(EVALUATION_TRACER)).toBeNull();
      const span = await otel.inSpan(() => app.get(FlagService).isEnabled('beta'));
      expect(span.events).toEqual([]);
    });

    it('samples the span events and the evaluation events with one draw', async () => {
      const published: FlagEvaluationEvent[] = [];
      const flags = (
        await start({
          telemetry: { contextId: true },
          events: { onEvaluation: (event) => published.push(event), sampleRate: 0.5 },
        })
      ).get(FlagService);
      const span = await otel.inSpan(async () => {
        for (let i = 0; i < 400; i++) flags.isEnabled('beta', { targetingKey: `user-${i}` });
        await new Promise((resolve) => setImmediate(resolve));
      });
      const traced = span.events.map((event) => event.attributes?.['feature_flag.context.id']);
      expect(traced.length).toBeGreaterThan(100);
      expect(traced.length).toBeLessThan(300);
      expect(traced).toEqual(published.map((event) => event.targetingKey));
    });

    it('records the guard and @FlagValue() evaluations of a request in its span', async () => {
      @Controller()
      class BetaController {
        @Get('beta')
        @FeatureFlag('beta')
        beta(@FlagValue('theme', 'light') theme: string) {
          return { theme };
        }
      }
      @Module({ controllers: [BetaController] })
      class TracedModule implements NestModule {
        configure(consumer: MiddlewareConsumer) {
          // What HTTP instrumentation does: the request's span active while it is handled.
          consumer
            .apply((_req: unknown, res: { on(e: string, f: () => void): void }, next: () => void) =>
              trace.getTracer('http').startActiveSpan('GET /beta', (span) => {
                res.on('finish', () => span.end());
                next();
              }),
            )
            .forRoutes('*path');
        }
      }
      const app = await start({}, [TracedModule]);
      await request(app.getHttpServer()).get('/beta').expect(200, { theme: 'dark' });
      const [span] = otel.spans().filter((found) => found.name === 'GET /beta');
      expect(eventsOf(span)).toEqual([
        evaluation({
          'feature_flag.key': 'beta',
          'feature_flag.result.variant': 'on',
          'feature_flag.result.reason': 'static',
        }),
        evaluation({
          'feature_flag.key': 'theme',
          'feature_flag.result.variant': 'dark',
          'feature_flag.result.reason': 'static',
        }),
      ]);
    });

    it('records the evaluations of the OpenFeature provider', async () => {
      const provider = new HybridFlagsProvider();
      await start({ openFeature: provider });
      await OpenFeature.setProviderAndWait(provider);
      try {
        const client = OpenFeature.getClient();
        const span = await otel.inSpan(() => client.getStringValue('theme', 'light'));
        expect(eventsOf(span)).toEqual([
          evaluation({
            'feature_flag.key': 'theme',
            'feature_flag.result.variant': 'dark',
            'feature_flag.result.reason': 'static',
          }),
        ]);
      } finally {
        await OpenFeature.clearProviders();
      }
    });
  });

  describe('evaluations while a request is served', () => {
    /** Records on every span (the recorder's SDK), or on none (a sampler that keeps nothing). */
    const TRACERS = {
      recording: () => trace.getTracer('http'),
      sampledOut: () =>
        new BasicTracerProvider({ sampler: new AlwaysOffSampler() }).getTracer('http'),
    };

    @Controller()
    class RequestController {
      constructor(private readonly flags: FlagService) {}

      /** Evaluates once, then, after an await, once more inside a span of its own. */
      @Get('request')
      async handle() {
        const beta = this.flags.isEnabled('beta');
        await new Promise((resolve) => setImmediate(resolve));
        const theme = trace.getTracer('app').startActiveSpan('handler work', (span) => {
          try {
            return this.flags.getBoolean('premium', false, { plan: 'premium' });
          } finally {
            span.end();
          }
        });
        return { beta, theme };
      }

      /** An OpenFeature evaluation inside a span of the handler's own. */
      @Get('openfeature')
      openFeature() {
        return trace.getTracer('app').startActiveSpan('handler work', async (span) => {
          try {
            return { theme: await OpenFeature.getClient().getStringValue('theme', 'light') };
          } finally {
            span.end();
          }
        });
      }
    }

    /** The controller behind a middleware making each request a span, as HTTP instrumentation does. */
    function served(tracer: keyof typeof TRACERS) {
      @Module({ controllers: [RequestController] })
      class ServedModule implements NestModule {
        configure(consumer: MiddlewareConsumer) {
          consumer
            .apply((_req: unknown, res: { on(e: string, f: () => void): void }, next: () => void) =>
              TRACERS[tracer]().startActiveSpan('GET', (span) => {
                res.on('finish', () => span.end());
                next();
              }),
            )
            .forRoutes('*path');
        }
      }
      return ServedModule;
    }

    const spanNamed = (name: string) => otel.spans().filter((found) => found.name === name);
    const BETA = evaluation({
      'feature_flag.key': 'beta',
      'feature_flag.result.variant': 'on',
      'feature_flag.result.reason': 'static',
    });
    const PREMIUM = evaluation({
      'feature_flag.key': 'premium',
      'feature_flag.result.variant': 'on',
      'feature_flag.result.reason': 'targeting_match',
    });

    it("records on the request's span, looked up once per request, not on a span the handler starts", async () => {
      const app = await start({}, [served('recording')]);
      const getActiveSpan = jest.spyOn(trace, 'getActiveSpan');
      try {
        await request(app.getHttpServer()).get('/request').expect(200, { beta: true, theme: true });
        await request(app.getHttpServer()).get('/request').expect(200);
        // Once per request, when the interceptor set it up: never per evaluation.
        expect(getActiveSpan).toHaveBeenCalledTimes(2);
      } finally {
        getActiveSpan.mockRestore();
      }
      const requests = spanNamed('GET');
      expect(requests).toHaveLength(2);
      for (const span of requests) expect(eventsOf(span)).toEqual([BETA, PREMIUM]);
      const handlerWork = spanNamed('handler work');
      expect(handlerWork).toHaveLength(2);
      for (const span of handlerWork) {
        expect(span.parentSpanContext?.spanId).toBeDefined();
        expect(span.events).toEqual([]);
      }
    });

    it("records on the span active at each evaluation with telemetry: { span: 'active' }", async () => {
      const app = await start({ telemetry: { span: 'active' } }, [served('recording')]);
      const getActiveSpan = jest.spyOn(trace, 'getActiveSpan');
      try {
        await request(app.getHttpServer()).get('/request').expect(200, { beta: true, theme: true });
        expect(getActiveSpan).toHaveBeenCalledTimes(2);
      } finally {
        getActiveSpan.mockRestore();
      }
      const [handlerWork] = spanNamed('handler work');
      const [requestSpan] = spanNamed('GET');
      expect(handlerWork.parentSpanContext?.spanId).toBe(requestSpan.spanContext().spanId);
      expect(eventsOf(requestSpan)).toEqual([BETA]);
      expect(eventsOf(handlerWork)).toEqual([PREMIUM]);
    });

    it("records the OpenFeature provider's evaluations of a request on its span too", async () => {
      const provider = new HybridFlagsProvider();
      const app = await start({ openFeature: provider }, [served('recording')]);
      await OpenFeature.setProviderAndWait(provider);
      try {
        await request(app.getHttpServer()).get('/openfeature').expect(200, { theme: 'dark' });
      } finally {
        await OpenFeature.clearProviders();
      }
      const theme = evaluation({
        'feature_flag.key': 'theme',
        'feature_flag.result.variant': 'dark',
        'feature_flag.result.reason': 'static',
      });
      expect(eventsOf(spanNamed('GET')[0])).toEqual([theme]);
      expect(spanNamed('handler work')[0].events).toEqual([]);
    });

    it('records nothing, and builds nothing, for a request whose span is not recording', async () => {
      const sampledOut = await start({}, [served('sampledOut')]);
      const tracer = sampledOut.get<EvaluationTracer>(EVALUATION_TRACER);
      const evaluated = jest.spyOn(tracer, 'evaluated');
      const getActiveSpan = jest.spyOn(trace, 'getActiveSpan');
      try {
        await request(sampledOut.getHttpServer())
          .get('/request')
          .expect(200, { beta: true, theme: true });
        // The request's span, looked up once, is not recording: the tracer is not even called.
        expect(getActiveSpan).toHaveBeenCalledTimes(1);
        expect(getActiveSpan.mock.results[0].value.isRecording()).toBe(false);
        expect(evaluated).not.toHaveBeenCalled();
      } finally {
        getActiveSpan.mockRestore();
        evaluated.mockRestore();
      }
      // Nothing recorded: the handler's span, a child of one sampled out, is not recording either.
      expect(otel.spans()).toEqual([]);

      // The check is real: the same requests with a recording span call the tracer.
      const recorded = await start({}, [served('recording')]);
      const called = jest.spyOn(recorded.get<EvaluationTracer>(EVALUATION_TRACER), 'evaluated');
      try {
        await request(recorded.getHttpServer()).get('/request').expect(200);
        expect(called).toHaveBeenCalledTimes(2);
      } finally {
        called.mockRestore();
      }
    });

    it('records an evaluation outside a request on the span active at the time, looked up each', async () => {
      const app = await start({}, [served('recording')]);
      const flags = app.get(FlagService);
      // A request served first: what it captured stays with it.
      await request(app.getHttpServer()).get('/request').expect(200);
      otel.reset();
      const getActiveSpan = jest.spyOn(trace, 'getActiveSpan');
      let inner: Span | undefined;
      try {
        const outer = await otel.inSpan(() => {
          flags.isEnabled('beta');
          trace.getTracer('job').startActiveSpan('job step', (span) => {
            inner = span;
            flags.getBoolean('premium', false, { plan: 'premium' });
            span.end();
          });
        }, 'job');
        expect(getActiveSpan).toHaveBeenCalledTimes(2);
        expect(eventsOf(outer)).toEqual([BETA]);
      } finally {
        getActiveSpan.mockRestore();
      }
      const [step] = spanNamed('job step');
      expect(step.spanContext().spanId).toBe(inner!.spanContext().spanId);
      expect(eventsOf(step)).toEqual([PREMIUM]);
    });
  });

  describe('deliveries', () => {
    const snapshot = (revision: number) => JSON.stringify({ kind: 'snapshot', revision, ...FLAGS });
    const deliverySpans = () =>
      otel
        .spans()
        .filter((span) => span.name === 'flags.delivery')
        .map((span) => ({ attributes: span.attributes, status: span.status.code }));

    it('makes each delivery a flags.delivery span with its outcome, and nothing secret', async () => {
      const store = new ControllableStore();
      const app = await start({ store, seed: undefined, webhook: WEBHOOK });
      const once = token(snapshot(1));
      await postDelivery(app, snapshot(1), once).expect(200);
      await postDelivery(app, snapshot(1)).expect(200);
      await postDelivery(app, snapshot(1), once).expect(401);
      const patch = JSON.stringify({ kind: 'patch', revision: 3, baseRevision: 2, upsert: {} });
      await postDelivery(app, patch).expect(409);
      store.mode = 'down';
      await postDelivery(app, snapshot(2)).expect(503);

      expect(deliverySpans()).toEqual([
        {
          attributes: {
            'flags.delivery.outcome': 'applied',
            'flags.delivery.kind': 'snapshot',
            'flags.delivery.revision': 1,
          },
          status: 0,
        },
        {
          attributes: {
            'flags.delivery.outcome': 'unchanged',
            'flags.delivery.kind': 'snapshot',
            'flags.delivery.revision': 1,
          },
          status: 0,
        },
        {
          attributes: {
            'flags.delivery.outcome': 'refused',
            'flags.delivery.reason': 'invalid_token',
            'error.type': 'invalid_token',
            // A replay is found once the body is read.
            'flags.delivery.kind': 'snapshot',
            'flags.delivery.revision': 1,
          },
          status: 0,
        },
        {
          attributes: {
            'flags.delivery.outcome': 'refused',
            'flags.delivery.reason': 'revision_conflict',
            'error.type': 'revision_conflict',
            'flags.delivery.kind': 'patch',
            'flags.delivery.revision': 3,
            'flags.delivery.base_revision': 2,
          },
          status: 0,
        },
        {
          attributes: {
            'flags.delivery.outcome': 'failed',
            'flags.delivery.reason': 'store_unavailable',
            'error.type': 'store_unavailable',
            'flags.delivery.kind': 'snapshot',
            'flags.delivery.revision': 2,
          },
          status: 2,
        },
      ]);
    });

    it('spans a delivery from the moment the request was taken, under the active span', async () => {
      const app = await start({ seed: undefined, webhook: WEBHOOK });
      const parent = await otel.inSpan(() => postDelivery(app, snapshot(1)).expect(200), 'POST');
      const [span] = otel.spans().filter((found) => found.name === 'flags.delivery');
      expect(span.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
      const nanos = ([seconds, nanoseconds]: [number, number]) => seconds * 1e9 + nanoseconds;
      expect(nanos(span.startTime)).toBeGreaterThanOrEqual(nanos(parent.startTime));
      expect(nanos(span.endTime)).toBeGreaterThan(nanos(span.startTime));
    });

    it('makes no span with telemetry: false', async () => {
      const app = await start({ seed: undefined, webhook: WEBHOOK, telemetry: false });
      await postDelivery(app, snapshot(1)).expect(200);
      expect(deliverySpans()).toEqual([]);
    });
  });
});
