import { Inject, Injectable } from '@nestjs/common';
import type { DeliveryOutcome } from '../core/activity-counters';
import { ERROR_TYPE, PROVIDER_NAME } from './flag-semantic-conventions';
import { OTEL_API } from './telemetry-api';
import type { OtelApi, OtelAttributes } from './otel-api.types';

/** The span of a delivery (the conventions name none for it). @internal */
export const DELIVERY_SPAN = 'flags.delivery';

/**
 * What a delivery's span tells: what became of it, and of which delivery. Never the token, the
 * body or a flag value.
 * @internal
 */
export interface DeliveryTrace {
  outcome: DeliveryOutcome;
  /** The error code answered; '' for `applied` and `unchanged`. */
  reason: string;
  /** When the request was taken, as `performance.now()`. */
  startedAt: number;
  /** Known once the body parsed. */
  kind?: 'snapshot' | 'patch';
  revision?: number;
  baseRevision?: number;
}

/**
 * Records each delivery as a `flags.delivery` span, a child of the span active where it ends (the
 * HTTP server span of the host's instrumentation), from the moment the request was taken to its
 * answer: outcome, reason, kind and revisions as `flags.delivery.*` attributes, `error.type`
 * for a refused or failed one, and status ERROR for a failed one (this side's fault; a refusal
 * is the caller's, as HTTP's conventions leave a 4xx unset).
 * @internal
 */
@Injectable()
export class DeliverySpans {
  constructor(@Inject(OTEL_API) private readonly api: OtelApi | null) {}

  delivered(trace: DeliveryTrace): void {
    const api = this.api;
    if (api === null) return;
    const attributes: OtelAttributes = { 'flags.delivery.outcome': trace.outcome };
    if (trace.reason !== '') {
      attributes['flags.delivery.reason'] = trace.reason;
      attributes[ERROR_TYPE] = trace.reason;
    }
    if (trace.kind !== undefined) attributes['flags.delivery.kind'] = trace.kind;
    if (trace.revision !== undefined) attributes['flags.delivery.revision'] = trace.revision;
    if (trace.baseRevision !== undefined) {
      attributes['flags.delivery.base_revision'] = trace.baseRevision;
    }
    // The tracer is asked for at each delivery: the host may register its SDK after startup.
    const span = api.trace.getTracer(PROVIDER_NAME).startSpan(DELIVERY_SPAN, {
      kind: api.SpanKind.INTERNAL,
      attributes,
      startTime: performance.timeOrigin + trace.startedAt,
    });
    if (trace.outcome === 'failed') span.setStatus({ code: api.SpanStatusCode.ERROR });
    span.end();
  }
}
