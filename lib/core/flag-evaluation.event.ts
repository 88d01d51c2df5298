import type { EvaluationErrorCode, ResolutionReason } from '../evaluation';

/**
 * The event name under which evaluations are published through `@nestjs/event-emitter`
 * (option `emitEvaluationEvents`).
 * @example @OnEvent(FLAG_EVALUATION_EVENT) onExposure(event: FlagEvaluationEvent) { ... }
 * @publicApi
 */
export const FLAG_EVALUATION_EVENT = 'flags.evaluation';

/**
 * One evaluation, as `onEvaluation` listeners receive it: who saw which variant of which flag,
 * and why. What an experiment's exposure log needs.
 * @publicApi
 */
export interface FlagEvaluationEvent {
  flagKey: string;
  /** The variant served; undefined when the caller's default was (see `reason`, `errorCode`). */
  variant: string | undefined;
  reason: ResolutionReason;
  errorCode?: EvaluationErrorCode;
  /** The evaluation context's `targetingKey`, when it has one. */
  targetingKey: string | undefined;
  /** When the evaluation ran (epoch milliseconds). */
  timestamp: number;
}
