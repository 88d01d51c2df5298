import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { EvaluationTracer, RequestTraceTarget } from '../core/evaluation-tracer';
import { FlagState } from '../core/flag-state';
import type { EvaluationContext } from '../evaluation';
import type { Resolution } from '../evaluation/resolution-record';
import { contextManagerRegistered } from './context-manager-probe';
import {
  ERROR_TYPE,
  ERROR_TYPES,
  FEATURE_FLAG_CONTEXT_ID,
  FEATURE_FLAG_EVALUATION,
  FEATURE_FLAG_KEY,
  FEATURE_FLAG_PROVIDER_NAME,
  FEATURE_FLAG_RESULT_REASON,
  FEATURE_FLAG_RESULT_VARIANT,
  FEATURE_FLAG_VERSION,
  PROVIDER_NAME,
  RESULT_REASONS,
} from './flag-semantic-conventions';
import type { OtelApi, OtelAttributes, OtelSpan } from './otel-api.types';
import { OTEL_API } from './telemetry-api';
import { type ResolvedTelemetryOptions, TELEMETRY_OPTIONS } from './telemetry-options';

/** How often the absence of a context manager is checked again: an SDK may start after us. */
const PROBE_INTERVAL_MS = 1000;

/**
 * Adds a `feature_flag.evaluation` event to a span for each evaluation sampled, with the
 * attributes of the semantic conventions: key, variant, reason, provider, the served revision as
 * `feature_flag.version`, `error.type` for an error, and the targeting key as
 * `feature_flag.context.id` only when `contextId` asks for it. Never the flag's value: the
 * variant names it. Nothing without a span, or with one that is not recording (not sampled by
 * the tracer, or ended), and then nothing is built either.
 *
 * Which span: looking the active span up (`trace.getActiveSpan()`: the API's global, then the
 * context manager's AsyncLocalStorage) costs more than a cheap evaluation, so it is looked up
 * once per request, when `FlagContextInterceptor` sets the request up (`requestTarget`), and the
 * request's evaluations record on that span: the one active when the request reached the
 * interceptor, normally the HTTP server span, not a span the handler starts later. A request
 * whose span is absent or not recording costs its evaluations nothing more than telemetry off
 * (the observer does not call here). Evaluations outside a request (background work, the
 * OpenFeature provider called outside one, `@FeatureFlag()`, whose guard runs before
 * interceptors) look the active span up each; so does every evaluation with
 * `telemetry: { span: 'active' }`.
 *
 * Where no context manager is registered (the API installed, by prom-client for one, and no SDK)
 * no span can be active: the tracer stays inactive and the observer calls none of this; whether
 * one has been registered since is checked every second.
 * @internal
 */
@Injectable()
export class EvaluationSpans implements EvaluationTracer, OnModuleDestroy {
  private live = false;
  private readonly contextId: boolean;
  /** `telemetry: { span: 'active' }`: capture nothing per request, look up at each evaluation. */
  private readonly perEvaluation: boolean;
  private probe?: NodeJS.Timeout;
  private readonly waiting: Array<() => void> = [];

  constructor(
    @Inject(OTEL_API) private readonly api: OtelApi | null,
    @Inject(TELEMETRY_OPTIONS) options: ResolvedTelemetryOptions,
    private readonly state: FlagState,
  ) {
    this.contextId = options !== false && options.contextId;
    this.perEvaluation = options !== false && options.span === 'active';
    if (api === null) return;
    this.live = contextManagerRegistered(api);
    if (!this.live) {
      this.probe = setInterval(() => {
        if (!contextManagerRegistered(api)) return;
        this.live = true;
        this.stopProbing();
        for (const active of this.waiting.splice(0)) active();
      }, PROBE_INTERVAL_MS).unref();
    }
  }

  onActive(active: () => void): void {
    if (this.live) active();
    else if (this.api !== null) this.waiting.push(active);
  }

  /** The recording span active now, `null` for none; undefined with `span: 'active'`. */
  requestTarget(): RequestTraceTarget {
    if (!this.live || this.perEvaluation) return undefined;
    const span = this.api!.trace.getActiveSpan();
    return span !== undefined && span.isRecording() ? span : null;
  }

  evaluated(
    key: string,
    resolution: Resolution,
    context: EvaluationContext | undefined,
    target: object | undefined,
  ): void {
    if (!this.live) return;
    const span = target === undefined ? this.api!.trace.getActiveSpan() : (target as OtelSpan);
    // Checked again for a request's span: it may have ended since (work left running after the
    // response), and an ended span takes no event.
    if (span === undefined || !span.isRecording()) return;
    const attributes: OtelAttributes = {
      [FEATURE_FLAG_KEY]: key,
      [FEATURE_FLAG_PROVIDER_NAME]: PROVIDER_NAME,
      [FEATURE_FLAG_RESULT_REASON]: RESULT_REASONS[resolution.reason],
    };
    if (resolution.variant !== undefined) {
      attributes[FEATURE_FLAG_RESULT_VARIANT] = resolution.variant;
    }
    if (resolution.errorCode !== undefined) {
      attributes[ERROR_TYPE] = ERROR_TYPES[resolution.errorCode] ?? 'general';
    }
    // Revision 0 is not a version: bootstrap flags or code defaults, before the store answered.
    const served = this.state.served;
    if (served.source === 'store') attributes[FEATURE_FLAG_VERSION] = String(served.revision);
    if (this.contextId) {
      const targetingKey = context?.targetingKey;
      if (typeof targetingKey === 'string') attributes[FEATURE_FLAG_CONTEXT_ID] = targetingKey;
    }
    span.addEvent(FEATURE_FLAG_EVALUATION, attributes);
  }

  onModuleDestroy(): void {
    this.stopProbing();
  }

  private stopProbing(): void {
    clearInterval(this.probe);
    this.probe = undefined;
  }
}
