import { Inject, Injectable, Optional } from '@nestjs/common';
import type { EvaluationContext } from '../evaluation';
import type { Resolution } from '../evaluation/resolution-record';
import { COUNTING, EVALUATION_TRACER, EVENT_OPTIONS } from './flags.constants';
import { EvaluationEvents } from './evaluation-events';
import type { EvaluationTracer, RequestTraceTarget } from './evaluation-tracer';
import type { ResolvedEventOptions } from './event-options';
import { type AmbientRequest, FlagContextStorage } from './flag-context.storage';
import { UsageCounter } from './usage-counter';

/**
 * What happens after every evaluation, whoever ran it (`FlagService`, the guard, the OpenFeature
 * provider): the usage count, and, for the evaluations sampled, the evaluation event and the
 * trace's span event when they are asked for.
 * @internal
 */
@Injectable()
export class EvaluationObserver {
  private readonly publishing: boolean;
  /** Set once the tracer says it can record (see `EvaluationTracer.onActive`). */
  private tracing = false;
  /** Whether anything is sampled at all: the only test an evaluation pays when nothing is. */
  private sampling: boolean;
  private readonly sampleRate: number;
  private readonly tracer?: EvaluationTracer;

  constructor(
    @Inject(COUNTING) private readonly counting: boolean,
    @Inject(EVENT_OPTIONS) eventOptions: ResolvedEventOptions,
    private readonly counter: UsageCounter,
    private readonly events: EvaluationEvents,
    private readonly ambient: FlagContextStorage,
    // Optional: the telemetry feature provides it where it runs and telemetry is on.
    @Optional() @Inject(EVALUATION_TRACER) tracer: EvaluationTracer | null,
  ) {
    this.sampleRate = eventOptions.sampleRate;
    this.publishing = events.enabled;
    this.sampling = this.publishing;
    this.tracer = tracer ?? undefined;
    if (this.tracer !== undefined && this.sampleRate > 0) {
      this.tracer.onActive(() => {
        this.tracing = true;
        this.sampling = true;
      });
    }
  }

  /**
   * What the evaluations of a request starting now record on in a trace, asked of the tracer
   * once per request by `FlagContextInterceptor`; undefined (each looks it up) until the tracer
   * is active.
   */
  requestTraceTarget(): RequestTraceTarget {
    return this.tracing ? this.tracer!.requestTarget() : undefined;
  }

  /**
   * After an evaluation, with how it went: a result, or the record its caller gave the engine
   * (which names the flag evaluated, so counting it needs no lookup by key). Read at once: the
   * record is the caller's, and the next evaluation reuses it. `request` is the request the
   * caller found itself in (`null`: none), or undefined when the caller did not look (the
   * OpenFeature provider): then it is looked up only if a trace needs it.
   */
  resolved(
    key: string,
    resolution: Resolution,
    context: EvaluationContext | undefined,
    request?: AmbientRequest | null,
  ): void {
    if (this.counting) this.counter.count(key, resolution.variant, resolution.flag);
    if (!this.sampling) return;
    // One draw for both: an evaluation sampled is both an event and a span event, so the two
    // can be joined, and the share of each is `events.sampleRate`.
    if (this.sampleRate < 1 && Math.random() >= this.sampleRate) return;
    if (this.publishing) this.events.evaluated(key, resolution, context);
    if (this.tracing) this.trace(key, resolution, context, request);
  }

  /**
   * The span event: on what the request captured when it has (nothing at all when that is
   * "nothing to record"), else on what the tracer finds active now (outside a request, or a
   * request set up before the tracer was active).
   */
  private trace(
    key: string,
    resolution: Resolution,
    context: EvaluationContext | undefined,
    request: AmbientRequest | null | undefined,
  ): void {
    const target = (request === undefined ? this.ambient.request() : request)?.traceTarget;
    if (target !== null) this.tracer!.evaluated(key, resolution, context, target);
  }
}
