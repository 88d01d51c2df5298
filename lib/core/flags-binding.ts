import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { FlagState } from './flag-state';
import type { ServedFlagsChange } from './served-flags';
import type { ServedFlags } from './served-flags';
import { FLAGS_BINDING } from './flags.constants';
import type { EvaluationContext, EvaluationResult, FlagValue } from '../evaluation';
import { EvaluationObserver } from './evaluation-observer';

/**
 * The flags a running `FlagsModule` serves, as it hands them to a {@link FlagsBinding}: the same
 * in-memory flags `FlagService` reads, and their changes.
 * @publicApi
 */
export interface FlagsSource {
  /** The flags served now; read them at each evaluation, they are replaced on every change. */
  readonly served: ServedFlags;
  /** Calls `listener` after every change of the flags served; returns what unsubscribes it. */
  subscribe(listener: (change: ServedFlagsChange) => void): () => void;
  /**
   * Settles (never rejects) once startup no longer waits for the store: the store's flags are
   * served, or `loadTimeoutMs` has passed and the bootstrap flags (or code defaults) are.
   */
  readonly started: Promise<void>;
  /**
   * Reports an evaluation the binding ran on the flags served, so it is counted in usage and passed
   * to evaluation listeners like those of `FlagService`.
   */
  evaluated(
    flagKey: string,
    result: Pick<EvaluationResult<FlagValue | null>, 'variant' | 'reason' | 'errorCode'>,
    context: EvaluationContext,
  ): void;
}

/**
 * Something that serves a `FlagsModule`'s flags through another API, bound to the module while
 * it runs: `HybridFlagsProvider` from `nestjs-hybrid-flags/openfeature`.
 * @example FlagsModule.forRoot({ openFeature: new HybridFlagsProvider() })
 * @publicApi
 */
export interface FlagsBinding {
  /** Called when the module starts (`onModuleInit`), before its flags are loaded. */
  bind(source: FlagsSource): void;
  /** Called when the module stops (`onModuleDestroy`), with the source given to `bind`. */
  unbind(source: FlagsSource): void;
}

/**
 * Binds the `openFeature` option, if any, to the module's flags while the module runs.
 * @internal
 */
@Injectable()
export class FlagsBinder implements OnModuleInit, OnModuleDestroy {
  private readonly binding?: FlagsBinding;
  private readonly source: FlagsSource;

  constructor(
    @Inject(FLAGS_BINDING) binding: FlagsBinding | null,
    state: FlagState,
    observer: EvaluationObserver,
  ) {
    this.binding = binding ?? undefined;
    this.source = {
      get served() {
        return state.served;
      },
      subscribe: (listener) => state.subscribe(listener),
      started: state.started,
      evaluated: (flagKey, result, context) => observer.resolved(flagKey, result, context),
    };
  }

  onModuleInit(): void {
    this.binding?.bind(this.source);
  }

  onModuleDestroy(): void {
    this.binding?.unbind(this.source);
  }
}
