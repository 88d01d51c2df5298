import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';
import type { EvaluationContext } from '../evaluation';
import type { RequestTraceTarget } from './evaluation-tracer';

/**
 * The request being served, as its evaluations see it: its evaluation context, built on first
 * use, and what its evaluations record on in a trace, captured when it was set up.
 * @internal
 */
export class AmbientRequest {
  private built?: EvaluationContext;

  constructor(
    private readonly build: () => EvaluationContext,
    /** See `RequestTraceTarget`: undefined unless telemetry was active when it was set up. */
    readonly traceTarget: RequestTraceTarget,
  ) {}

  /** The request's evaluation context; built at the first call. */
  context(): EvaluationContext {
    return (this.built ??= this.build());
  }
}

/**
 * Holds the request being served, for every `FlagService` call made while serving it, however
 * deep: AsyncLocalStorage, entered by `FlagContextInterceptor`.
 * @internal
 */
@Injectable()
export class FlagContextStorage {
  private readonly storage = new AsyncLocalStorage<AmbientRequest>();

  /** The request being served, or undefined outside a request. */
  request(): AmbientRequest | undefined {
    return this.storage.getStore();
  }

  /**
   * Runs `work` with `build`'s context as the ambient one (`build` runs at most once) and
   * `traceTarget` as what its evaluations record on.
   */
  run<T>(build: () => EvaluationContext, traceTarget: RequestTraceTarget, work: () => T): T {
    return this.storage.run(new AmbientRequest(build, traceTarget), work);
  }
}
