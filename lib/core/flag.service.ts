import { Injectable } from '@nestjs/common';
import { FlagState } from './flag-state';
import type { ServedFlagsChange } from './served-flags';
import type {
  EvaluationContext,
  EvaluationResult,
  FlagValue,
  FlagValueType,
  JsonObject,
} from '../evaluation';
// The engine module itself, not the evaluation barrel: a call through a re-export reads a getter.
import { evaluateAll, evaluateFlag, resolveValue } from '../evaluation/evaluate';
import { ResolutionRecord } from '../evaluation/resolution-record';
import { type AmbientRequest, FlagContextStorage } from './flag-context.storage';
import type { FlagsStatus } from './flags-status';
import { EvaluationObserver } from './evaluation-observer';
import { mergeContexts } from './merge-contexts';

/** A request's context with the one passed merged over it; out of line, to keep calls small. */
function merged(ambient: EvaluationContext, explicit: EvaluationContext | undefined) {
  return explicit === undefined ? ambient : mergeContexts(ambient, explicit);
}

/** The request's context (when serving one) with the explicit one merged over it. */
function contextOf(
  request: AmbientRequest | undefined,
  explicit: EvaluationContext | undefined,
): EvaluationContext | undefined {
  return request === undefined ? explicit : merged(request.context(), explicit);
}

/**
 * Evaluates flags for application code. Every method is synchronous, never throws and never
 * touches the database: it reads the in-memory snapshot, so it costs nanoseconds. On any problem
 * (unknown flag, wrong type, store not loaded yet) the default you pass is returned. While a
 * request is served, its evaluation context (the `requestContext` option) applies to every call;
 * a context you pass merges over it. Each evaluation is counted in memory for usage reports (the
 * `usage` option) and passed to `onEvaluation` listeners after it returns.
 *
 * @example
 * constructor(private readonly flags: FlagService) {}
 *
 * checkout(user: User) {
 *   if (this.flags.isEnabled('new-checkout', { targetingKey: user.id, plan: user.plan })) { ... }
 * }
 * @publicApi
 */
@Injectable()
export class FlagService {
  constructor(
    private readonly state: FlagState,
    private readonly ambient: FlagContextStorage,
    private readonly observer: EvaluationObserver,
  ) {}

  /**
   * Where the engine records how each evaluation went, read by the observer right after: this
   * service's own, so that no other evaluation (another service, the guard, OpenFeature, code
   * calling the engine) can come between. Evaluations are synchronous, so one is enough.
   */
  private readonly resolution = new ResolutionRecord();

  /** Whether a boolean flag is on; false when it cannot be served. */
  isEnabled(key: string, context?: EvaluationContext): boolean {
    return this.value(key, 'boolean', false, context);
  }

  /** A boolean flag's value, or `defaultValue`. */
  getBoolean(key: string, defaultValue: boolean, context?: EvaluationContext): boolean {
    return this.value(key, 'boolean', defaultValue, context);
  }

  /** A string flag's value, or `defaultValue`. @example flags.getString('checkout-flow', 'classic', ctx) */
  getString(key: string, defaultValue: string, context?: EvaluationContext): string {
    return this.value(key, 'string', defaultValue, context);
  }

  /** A number flag's value, or `defaultValue`. */
  getNumber(key: string, defaultValue: number, context?: EvaluationContext): number {
    return this.value(key, 'number', defaultValue, context);
  }

  /** An object flag's value, or `defaultValue`. The object is shared: do not mutate it. */
  getObject<T extends JsonObject>(key: string, defaultValue: T, context?: EvaluationContext): T {
    return this.value(key, 'object', defaultValue, context);
  }

  /**
   * The full result for one flag: value (null when it cannot be served), variant, reason and
   * error. Answers "why does this user see that?".
   */
  evaluate(key: string, context?: EvaluationContext): EvaluationResult<FlagValue | null> {
    const request = this.ambient.request();
    const merged = contextOf(request, context);
    const result = evaluateFlag(this.state.served.flagSet, key, merged);
    this.observer.resolved(key, result, merged, request ?? null);
    return result;
  }

  /**
   * The result of every flag for one context, by key: to hand flags on (to a browser, say).
   * These evaluations are not counted in usage nor passed to `onEvaluation`, or every flag would
   * look used: count them where they are used.
   */
  evaluateAll(context?: EvaluationContext): Record<string, EvaluationResult<FlagValue | null>> {
    return evaluateAll(this.state.served.flagSet, contextOf(this.ambient.request(), context));
  }

  /** The store revision being served (0 before the store's flags are loaded). */
  get revision(): number {
    return this.state.served.revision;
  }

  /** Settles once the store's flags are served; awaiting it is optional. */
  get ready(): Promise<void> {
    return this.state.ready;
  }

  /** What is served and whether the store answers. */
  status(): FlagsStatus {
    return this.state.status();
  }

  /**
   * Calls `listener` each time this instance starts serving other flags (a delivery, another
   * instance's change, the first load), with the keys that may evaluate differently. Returns
   * what unsubscribes it.
   * @example const stop = flags.subscribe(({ current, changedKeys }) => log(current.revision, changedKeys));
   */
  subscribe(listener: (change: ServedFlagsChange) => void): () => void {
    return this.state.subscribe(listener);
  }

  /** A typed getter's evaluation, observed. */
  private value<T>(
    key: string,
    type: FlagValueType,
    defaultValue: T,
    context: EvaluationContext | undefined,
  ): T {
    // Looked up once: the request gives both the context and what its trace records on.
    const request = this.ambient.request();
    const merged = contextOf(request, context);
    const resolution = this.resolution;
    const value = resolveValue(
      this.state.served.flagSet,
      key,
      type,
      defaultValue,
      merged,
      resolution,
    );
    this.observer.resolved(key, resolution, merged, request ?? null);
    return value;
  }
}
