import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';
import type { EvaluationContext } from '../evaluation';

/** A request's evaluation context, built on first use. */
interface AmbientContext {
  get(): EvaluationContext;
}

/**
 * Holds the evaluation context of the request being served, for every `FlagService` call made
 * while serving it, however deep: AsyncLocalStorage, entered by `FlagContextInterceptor`.
 * @internal
 */
@Injectable()
export class FlagContextStorage {
  private readonly storage = new AsyncLocalStorage<AmbientContext>();

  /** The current request's context, or undefined outside a request. */
  current(): EvaluationContext | undefined {
    return this.storage.getStore()?.get();
  }

  /** Runs `work` with `build`'s context as the ambient one; `build` runs at most once. */
  run<T>(build: () => EvaluationContext, work: () => T): T {
    let built: EvaluationContext | undefined;
    return this.storage.run({ get: () => (built ??= build()) }, work);
  }
}
