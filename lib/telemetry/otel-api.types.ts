/*
 * The parts of `@opentelemetry/api` the telemetry uses, written out: it is an optional peer
 * dependency, so the library does not import it, not even for its types (a spec checks that the
 * real API fits these).
 */

/** A span attribute's value, as the telemetry sets them. @internal */
export type OtelAttributes = Record<string, string | number | boolean>;

/** @internal */
export interface OtelSpan {
  isRecording(): boolean;
  addEvent(name: string, attributes?: OtelAttributes): unknown;
  setStatus(status: { code: number }): unknown;
  end(endTime?: number): void;
}

/** @internal */
export interface OtelTracer {
  startSpan(
    name: string,
    options?: { kind?: number; attributes?: OtelAttributes; startTime?: number },
  ): OtelSpan;
}

/** @internal */
export interface OtelContext {
  getValue(key: symbol): unknown;
  setValue(key: symbol, value: unknown): OtelContext;
}

/** @internal */
export interface OtelApi {
  context: {
    active(): OtelContext;
    with<T>(context: OtelContext, fn: () => T): T;
  };
  createContextKey(description: string): symbol;
  ROOT_CONTEXT: OtelContext;
  trace: {
    getActiveSpan(): OtelSpan | undefined;
    getTracer(name: string, version?: string): OtelTracer;
  };
  SpanKind: { INTERNAL: number };
  SpanStatusCode: { ERROR: number };
}
