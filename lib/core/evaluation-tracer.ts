import type { EvaluationContext } from '../evaluation';
import type { Resolution } from '../evaluation/resolution-record';

/**
 * What the evaluations of one request record on, captured once when the request's ambient
 * context is set up (`EvaluationTracer.requestTarget`): the tracer's own value (to the telemetry
 * feature, the recording span active then), `null` when they have nothing to record on (no
 * active span, or one that is not recording), or undefined when nothing was captured and each
 * evaluation looks its target up itself. Opaque to the core, which only passes it back.
 * @internal
 */
export type RequestTraceTarget = object | null | undefined;

/**
 * Records a sampled evaluation in a trace (the telemetry feature implements it, under
 * `EVALUATION_TRACER`): the core calls it without knowing OpenTelemetry. Called synchronously on
 * the evaluation path, in the caller's async context, so it can read the active span; it must
 * not throw, and must read the resolution at once (the caller reuses it).
 * @internal
 */
export interface EvaluationTracer {
  /**
   * Calls `active` once the tracer can record anything (at once, or later: when the host's SDK
   * starts after the module); until then the observer does not call it, so an evaluation pays
   * for telemetry that cannot record exactly what it pays with telemetry off.
   */
  onActive(active: () => void): void;
  /**
   * Called once per request, in the request's async context, when `FlagContextInterceptor` sets
   * up its ambient context (only once the tracer is active): what the request's evaluations
   * record on, so that they need not look it up each (see `RequestTraceTarget`). Must not throw.
   */
  requestTarget(): RequestTraceTarget;
  /**
   * Records one evaluation on `target`, a value `requestTarget` returned (never `null`: the
   * observer does not call for those), or, when `target` is undefined, on what is active now.
   */
  evaluated(
    key: string,
    resolution: Resolution,
    context: EvaluationContext | undefined,
    target: object | undefined,
  ): void;
}
