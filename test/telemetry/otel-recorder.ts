import { context, trace, type Span } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';

/*
 * An OpenTelemetry SDK as a host registers it, recording spans in memory: a tracer provider and
 * the AsyncLocalStorage context manager, set globally for one test file.
 */

export interface OtelRecorder {
  /** Runs `work` inside an active span named `name`, ended after it, and returns that span. */
  inSpan(work: () => unknown, name?: string): Promise<ReadableSpan>;
  /** Spans ended since the last `reset()`. */
  spans(): ReadableSpan[];
  reset(): void;
  /** Unregisters the SDK. */
  stop(): Promise<void>;
}

export function startOtelRecorder(): OtelRecorder {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
    // Above the default 128, so a test that evaluates hundreds of times sees every event.
    spanLimits: { eventCountLimit: 10_000 },
  });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  trace.setGlobalTracerProvider(provider);
  const tracer = trace.getTracer('test');
  return {
    async inSpan(work, name = 'request') {
      let started: Span | undefined;
      await tracer.startActiveSpan(name, async (span) => {
        started = span;
        try {
          await work();
        } finally {
          span.end();
        }
      });
      const id = started!.spanContext().spanId;
      return exporter.getFinishedSpans().find((span) => span.spanContext().spanId === id)!;
    },
    spans: () => exporter.getFinishedSpans(),
    reset: () => exporter.reset(),
    async stop() {
      trace.disable();
      context.disable();
      await provider.shutdown();
    },
  };
}

/** A span's events as name and attributes: what the assertions compare. */
export function eventsOf(span: ReadableSpan): Array<{ name: string; attributes: unknown }> {
  return span.events.map(({ name, attributes }) => ({ name, attributes }));
}
