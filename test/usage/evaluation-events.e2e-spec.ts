import { Injectable, type INestApplication, type LoggerService } from '@nestjs/common';
import { EventEmitterModule, OnEvent } from '@nestjs/event-emitter';
import { Test } from '@nestjs/testing';
import {
  FLAG_EVALUATION_EVENT,
  type FlagEvaluationEvent,
  FlagService,
  FlagsModule,
  type FlagsModuleOptions,
  InMemoryFlagStore,
} from '../../lib';
import { FlagsTestingModule } from '../../lib/testing';
import { STORE_FLAGS } from '../module/flags-fixtures';
import { RecordingLogger } from '../support/recording-logger';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('evaluation events', () => {
  const apps: INestApplication[] = [];

  async function start(
    options: FlagsModuleOptions,
    extra: { imports?: unknown[]; providers?: unknown[]; logger?: LoggerService } = {},
  ): Promise<INestApplication> {
    const moduleRef = await Test.createTestingModule({
      imports: [
        ...((extra.imports ?? []) as never[]),
        FlagsModule.forRoot({ store: new InMemoryFlagStore(), seed: STORE_FLAGS, ...options }),
      ],
      providers: (extra.providers ?? []) as never[],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: extra.logger ?? false });
    apps.push(app);
    await app.init();
    return app;
  }

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  it('passes key, variant, reason, targeting key and time to onEvaluation, after the call', async () => {
    const events: FlagEvaluationEvent[] = [];
    const app = await start({
      events: { onEvaluation: (event) => events.push(event) },
    });
    const flags = app.get(FlagService);
    const before = Date.now();

    expect(flags.isEnabled('new-checkout', { targetingKey: 'user-1', plan: 'premium' })).toBe(true);
    flags.getString('theme', 'light');
    flags.evaluate('absent');
    expect(events).toEqual([]);

    await nextTurn();
    expect(events).toEqual([
      {
        flagKey: 'new-checkout',
        variant: 'on',
        reason: 'TARGETING_MATCH',
        targetingKey: 'user-1',
        timestamp: expect.any(Number),
      },
      {
        flagKey: 'theme',
        variant: 'dark',
        reason: 'STATIC',
        targetingKey: undefined,
        timestamp: expect.any(Number),
      },
      {
        flagKey: 'absent',
        variant: undefined,
        reason: 'ERROR',
        errorCode: 'FLAG_NOT_FOUND',
        targetingKey: undefined,
        timestamp: expect.any(Number),
      },
    ]);
    for (const event of events) {
      expect(event.timestamp).toBeGreaterThanOrEqual(before);
      expect(event.timestamp).toBeLessThanOrEqual(Date.now());
    }
  });

  it('never lets a failing listener break an evaluation, and says so in the log', async () => {
    const logger = new RecordingLogger();
    const app = await start(
      {
        events: {
          onEvaluation: () => {
            throw new Error('analytics is down');
          },
        },
      },
      { logger },
    );
    const flags = app.get(FlagService);
    expect(flags.isEnabled('new-checkout', { plan: 'premium' })).toBe(true);
    expect(flags.isEnabled('new-checkout', { plan: 'free' })).toBe(false);
    await nextTurn();
    expect(
      logger.messages('warn').some((w) => /threw for 2 of 2 events.*analytics is down/.test(w)),
    ).toBe(true);
  });

  it('samples at the rate asked', async () => {
    const events: FlagEvaluationEvent[] = [];
    const app = await start({
      events: { onEvaluation: (event) => events.push(event), sampleRate: 0.25 },
    });
    const flags = app.get(FlagService);
    for (let i = 0; i < 4000; i++) flags.isEnabled('new-checkout');
    await nextTurn();
    // 4000 draws at 0.25: the mean is 1000 and the standard deviation about 27.
    expect(events.length).toBeGreaterThan(850);
    expect(events.length).toBeLessThan(1150);
  });

  it('publishes through @nestjs/event-emitter when asked', async () => {
    @Injectable()
    class ExposureLog {
      readonly events: FlagEvaluationEvent[] = [];
      @OnEvent(FLAG_EVALUATION_EVENT)
      record(event: FlagEvaluationEvent) {
        this.events.push(event);
      }
    }
    const app = await start(
      { events: { emit: true } },
      { imports: [EventEmitterModule.forRoot()], providers: [ExposureLog] },
    );
    app.get(FlagService).isEnabled('new-checkout', { targetingKey: 'u-9', plan: 'premium' });
    await nextTurn();
    expect(app.get(ExposureLog).events).toEqual([
      expect.objectContaining({ flagKey: 'new-checkout', variant: 'on', targetingKey: 'u-9' }),
    ]);
  });

  it('tells what to do when the event emitter is asked for but not there', async () => {
    await expect(start({ events: { emit: true } })).rejects.toThrow(
      /install it and import EventEmitterModule\.forRoot\(\)/,
    );
  });

  it('refuses a sample rate outside 0..1', async () => {
    await expect(
      start({ events: { onEvaluation: () => undefined, sampleRate: 2 } }),
    ).rejects.toThrow(/events.sampleRate is a share from 0 to 1/);
  });
});

describe('evaluation events in FlagsTestingModule', () => {
  it('reach onEvaluation as they do with FlagsModule', async () => {
    const events: FlagEvaluationEvent[] = [];
    const moduleRef = await Test.createTestingModule({
      imports: [
        FlagsTestingModule.forRoot({
          flags: { 'new-checkout': true },
          events: { onEvaluation: (event) => events.push(event) },
        }),
      ],
    }).compile();
    const app = await moduleRef.createNestApplication({ logger: false }).init();
    try {
      expect(app.get(FlagService).isEnabled('new-checkout', { targetingKey: 'u-1' })).toBe(true);
      await nextTurn();
      expect(events).toEqual([
        expect.objectContaining({ flagKey: 'new-checkout', targetingKey: 'u-1', reason: 'STATIC' }),
      ]);
    } finally {
      await app.close();
    }
  });
});
