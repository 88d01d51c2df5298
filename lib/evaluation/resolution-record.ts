import type { CompiledFlag } from './compiled-flag';
import type { EvaluationErrorCode, ResolutionReason } from './evaluation.types';

/** How an evaluation went, beside its value. @internal */
export interface Resolution {
  readonly variant?: string;
  readonly reason: ResolutionReason;
  readonly errorCode?: EvaluationErrorCode;
  /** The flag evaluated; undefined when the set has none of that key (or it is not known). */
  readonly flag?: CompiledFlag;
}

/**
 * Where an evaluation records how it went, for a caller that wants more than the value without
 * anything being allocated: the caller creates it, passes it to each evaluation, and reads it
 * right after, before passing it to the next. The engine keeps no such record of its own, so an
 * evaluation never changes a record it was not given.
 * @internal
 */
export class ResolutionRecord implements Resolution {
  /** The variant served; undefined when the caller's default was. */
  variant: string | undefined = undefined;
  reason: ResolutionReason = 'STATIC';
  errorCode: EvaluationErrorCode | undefined = undefined;
  errorMessage: string | undefined = undefined;
  flag: CompiledFlag | undefined = undefined;
}
