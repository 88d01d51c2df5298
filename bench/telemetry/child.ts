/*
 * One process of the telemetry benchmark (bench/telemetry.ts): two FlagsModule application
 * contexts, telemetry on (the default, @opentelemetry/api installed, no SDK registered) and
 * `telemetry: false`, evaluating through FlagService in alternation. With `span`, a context
 * manager is registered and every evaluation runs inside an active span that is not recording
 * (what a tracer gives for a request its sampler left out), outside any request. With `request`
 * and `request-ambient`, the same, and each round is also a request: the module's own
 * interceptor (`FlagContextInterceptor`, each side's) sets the request up inside that span, as
 * Nest calls it, and the evaluations run in its handler, as an application's do (see
 * HTTP_REQUESTS for the difference). Prints one JSON line: evaluations per second of every round,
 * by side and scenario.
 *
 *   ts-node --transpile-only bench/telemetry/child.ts <noop|span|request|request-ambient> <rounds> <round-ms> <warmup-ms>
 */
import 'reflect-metadata';
import { type ExecutionContext, type INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { context, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { defer, of } from 'rxjs';
import { FlagService, FlagsModule, InMemoryFlagStore } from '../../lib';
import { EvaluationObserver } from '../../lib/core/evaluation-observer';
import { FlagContextInterceptor } from '../../lib/core/flag-context.interceptor';
import { FlagContextStorage } from '../../lib/core/flag-context.storage';
import { EVALUATION_TRACER } from '../../lib/core/flags.constants';
import { RequestContextResolver } from '../../lib/core/request-context.resolver';
import { SCENARIOS, makeUsers, scenarios, userContext } from '../on-off';

type Side = 'on' | 'off';

interface Running {
  app: INestApplicationContext;
  flags: FlagService;
  /** Runs `handler` as the handler of one request, behind the module's interceptor. */
  serve<T>(handler: () => T): T;
}

/**
 * An HTTP request as the interceptor and the default `requestContext` read it: `request`, an
 * anonymous one (its context is empty, the context passed is merged over it); `request-ambient`,
 * a signed-in user's (its context is `{ targetingKey }`, and evaluations pass none).
 */
const HTTP_REQUESTS: Record<string, object> = {
  request: { headers: {} },
  'request-ambient': { headers: {}, user: { id: 'request-user' } },
};
const executionContext = (request: object) =>
  ({
    getType: () => 'http',
    switchToHttp: () => ({ getRequest: () => request }),
  }) as unknown as ExecutionContext;

async function side(mode: Side, phase: string): Promise<Running> {
  @Module({
    imports: [
      FlagsModule.forRoot({
        store: new InMemoryFlagStore(),
        seed: scenarios() as never,
        // Only telemetry differs: counting has its own benchmark (bench:usage).
        usage: false,
        metrics: false,
        telemetry: mode === 'on' ? {} : false,
      }),
    ],
  })
  class BenchModule {}

  const app = await NestFactory.createApplicationContext(BenchModule, { logger: false });
  // The sanity check: the side measured as "on" does record, the other does not.
  if ((app.get(EVALUATION_TRACER) === null) !== (mode === 'off')) {
    throw new Error(`telemetry is not ${mode} on the side measured as ${mode}`);
  }
  const flags = app.get(FlagService);
  await flags.ready;
  // The class FlagsModule registers as APP_INTERCEPTOR, on this side's own instances.
  const interceptor = new FlagContextInterceptor(
    app.get(FlagContextStorage),
    app.get(RequestContextResolver),
    app.get(EvaluationObserver),
  );
  const serve = <T>(handler: () => T): T => {
    let result: { value: T } | undefined;
    interceptor
      .intercept(executionContext(HTTP_REQUESTS[phase] ?? {}), {
        handle: () => defer(() => of(handler())),
      })
      .subscribe((value) => (result = { value: value as T }));
    if (result === undefined) throw new Error('the handler did not run synchronously');
    return result.value;
  };
  return { app, flags, serve };
}

async function main(): Promise<void> {
  const [phase, ...numbers] = process.argv.slice(2);
  const [rounds, roundMs, warmupMs] = numbers.map(Number);
  let active = context.active();
  if (phase !== 'noop') {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    const notRecording = trace.wrapSpanContext({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: TraceFlags.NONE,
    });
    active = trace.setSpan(context.active(), notRecording);
  }
  const sides = { on: await side('on', phase), off: await side('off', phase) };
  const inRequest = phase in HTTP_REQUESTS;
  const explicit = phase !== 'request-ambient';
  const contexts = makeUsers().map(userContext);
  let sink = 0;

  const measure = (flags: FlagService, key: string, type: 'boolean' | 'string', ms: number) => {
    const deadline = performance.now() + ms;
    let evaluations = 0;
    while (performance.now() < deadline) {
      // A batch between clock reads, so reading the clock costs little.
      for (let i = 0; i < 1000; i++) {
        const ctx = explicit ? contexts[(evaluations + i) % contexts.length] : undefined;
        if (type === 'boolean') {
          if (flags.isEnabled(key, ctx)) sink++;
        } else {
          sink += flags.getString(key, 'a', ctx).length;
        }
      }
      evaluations += 1000;
    }
    return (evaluations * 1000) / ms;
  };

  const run = (running: Running, key: string, type: 'boolean' | 'string', ms: number): number =>
    context.with(active, () => {
      if (phase !== 'noop' && trace.getActiveSpan()?.isRecording() !== false) {
        throw new Error('no active non-recording span');
      }
      if (!inRequest) return measure(running.flags, key, type, ms);
      return running.serve(() => {
        // The sanity check: the evaluations do run inside the request.
        if (running.app.get(FlagContextStorage).request() === undefined) {
          throw new Error('not inside the request');
        }
        return measure(running.flags, key, type, ms);
      });
    });

  const results: Record<Side, Record<string, number[]>> = { on: {}, off: {} };
  for (const [id, { key, type }] of Object.entries(SCENARIOS)) {
    run(sides.off, key, type, warmupMs);
    run(sides.on, key, type, warmupMs);
    results.on[id] = [];
    results.off[id] = [];
    for (let round = 0; round < rounds; round++) {
      // Alternating which side goes first cancels any drift within a round.
      const order: Side[] = round % 2 === 0 ? ['off', 'on'] : ['on', 'off'];
      for (const mode of order) results[mode][id].push(run(sides[mode], key, type, roundMs));
    }
  }
  for (const { app } of Object.values(sides)) await app.close();
  process.stdout.write(`${JSON.stringify({ results, sink })}\n`);
}

void main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
