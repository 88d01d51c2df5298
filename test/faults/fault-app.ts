import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import request from 'supertest';
import { DataSource, type DataSourceOptions } from 'typeorm';
import {
  FlagService,
  FlagsHealthIndicator,
  FlagsModule,
  type FlagsModuleOptions,
  SIGNED_MEDIA_TYPE,
} from '../../lib';
import type { TestDatabase } from '../store/database-targets';
import { RecordingLogger } from '../support/recording-logger';
import { type ProxyFault, TcpProxy } from '../support/tcp-proxy';
import { AUDIENCE, PUBLIC_PEM, token } from '../webhook/signed-app';

/** The bounds the fault tests run with: short, so a matrix of faults takes seconds. */
export const BOUNDS = {
  timeoutMs: 1000,
  pollIntervalMs: 100,
  loadTimeoutMs: 600,
  flushMs: 150,
  /** What scheduling on a busy 2-core machine may add to a bound. */
  slackMs: 1500,
} as const;

export const FLAGS = {
  flags: {
    beta: { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'on' },
    probe: { state: 'ENABLED', variants: { v: 1 }, defaultVariant: 'v' },
  },
};

export function probePatch(revision: number, value: number): string {
  return JSON.stringify({
    kind: 'patch',
    revision,
    baseRevision: revision - 1,
    upsert: { probe: { state: 'ENABLED', variants: { v: value }, defaultVariant: 'v' } },
  });
}

/**
 * An application whose DataSource reaches its database through a proxy the test breaks, with
 * every bound short. The DataSource is the test's own (the module never closes it), so the
 * module's shutdown is measured alone.
 */
export interface FaultyApp {
  app: INestApplication;
  proxy: TcpProxy;
  dataSource: DataSource;
  logger: RecordingLogger;
  flags: FlagService;
  deliver(body: string): Promise<{ status: number; body: Record<string, unknown>; ms: number }>;
  read(path: string): Promise<{ status: number; body: Record<string, unknown>; ms: number }>;
  health(): { status: string; storeReachable: boolean; revision: number; source: string };
  close(): Promise<void>;
}

/** The DataSource options of `database`, pointed at `port` on loopback. */
export function throughPort(database: TestDatabase, port: number): DataSourceOptions {
  return { ...database.dataSource.options, host: '127.0.0.1', port } as DataSourceOptions;
}

export async function startFaultyApp(
  database: TestDatabase,
  targetPort: number,
  options: FlagsModuleOptions = {},
  { pool = {}, faultAtStart }: { pool?: Record<string, unknown>; faultAtStart?: ProxyFault } = {},
): Promise<FaultyApp & { startedInMs: number }> {
  const proxy = new TcpProxy(targetPort);
  const port = await proxy.listen();
  const dataSource = await new DataSource({
    ...throughPort(database, port),
    extra: pool,
  } as DataSourceOptions).initialize();
  const logger = new RecordingLogger();
  // The DataSource as TypeOrmModule would provide it, without TypeOrmModule closing it at shutdown.
  const dataSourceModule = {
    module: class FaultyDataSourceModule {},
    global: true,
    providers: [{ provide: getDataSourceToken(), useValue: dataSource }],
    exports: [getDataSourceToken()],
  };
  const moduleRef = await Test.createTestingModule({
    imports: [
      dataSourceModule,
      FlagsModule.forRoot({
        store: { timeoutMs: BOUNDS.timeoutMs },
        bootstrap: FLAGS,
        sync: {
          pollIntervalMs: BOUNDS.pollIntervalMs,
          retryIntervalMs: BOUNDS.pollIntervalMs,
          loadTimeoutMs: BOUNDS.loadTimeoutMs,
        },
        usage: { flushMs: BOUNDS.flushMs },
        metrics: false,
        webhook: { audience: AUDIENCE, keys: [{ kid: 'cp', publicKey: PUBLIC_PEM }] },
        ...options,
      }),
    ],
  }).compile();
  const app = moduleRef.createNestApplication({ logger });
  if (faultAtStart !== undefined) proxy.set(faultAtStart);
  const starting = performance.now();
  await app.init();
  const startedInMs = performance.now() - starting;
  const timed = async (send: () => request.Test) => {
    const started = performance.now();
    const response = await send();
    return {
      status: response.status,
      body: response.body as Record<string, unknown>,
      ms: performance.now() - started,
    };
  };
  return {
    startedInMs,
    app,
    proxy,
    dataSource,
    logger,
    flags: app.get(FlagService),
    deliver: (body) =>
      timed(() =>
        request(app.getHttpServer())
          .post('/_flags/deliveries')
          .set('content-type', SIGNED_MEDIA_TYPE)
          .set('authorization', `Bearer ${token(body)}`)
          .send(body),
      ),
    read: (path) =>
      timed(() =>
        request(app.getHttpServer())
          .get(`/_flags/${path}`)
          .set('authorization', `Bearer ${token('')}`),
      ),
    health: () => app.get(FlagsHealthIndicator).check().flags as ReturnType<FaultyApp['health']>,
    close: async () => {
      proxy.restore();
      await app.close().catch(() => undefined);
      if (dataSource.isInitialized) await dataSource.destroy().catch(() => undefined);
      await proxy.close();
    },
  };
}

/**
 * Evaluates flags in a loop on the event loop the application shares, measuring how long the
 * loop is held (an evaluation path that blocks would show here) and counting what throws.
 */
export function evaluationLoad(flags: FlagService) {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  let evaluations = 0;
  const failures: unknown[] = [];
  const timer = setInterval(() => {
    for (let i = 0; i < 200; i++) {
      try {
        flags.isEnabled('beta', { targetingKey: `u${i}` });
        flags.getNumber('probe', 0);
        evaluations++;
      } catch (error) {
        failures.push(error);
      }
    }
  }, 5);
  return {
    stop() {
      clearInterval(timer);
      delay.disable();
      return { evaluations, failures, maxDelayMs: delay.max / 1e6 };
    },
  };
}
