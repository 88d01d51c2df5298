import type { EvaluationResult, FlagMetadata, FlagValue } from '../evaluation';

/**
 * One flag's evaluation on the wire (OFREP's `evaluationSuccess`, `evaluationFailure` or
 * `flagNotFound`). A success without `value` tells the provider to use the code default:
 * the flag is disabled, or it has no variant for this context.
 * @internal
 */
export interface OfrepEvaluation {
  key: string;
  value?: FlagValue;
  reason?: string;
  variant?: string;
  errorCode?: string;
  errorDetails?: string;
  metadata?: FlagMetadata;
}

/** The answer for a flag that does not exist, or is not exposed: the same, so as not to tell. */
export function notFound(key: string): OfrepEvaluation {
  return { key, errorCode: 'FLAG_NOT_FOUND', errorDetails: `Flag "${key}" was not found.` };
}

/** A flag's result as OFREP writes it; metadata only when there is some. */
export function ofrepEvaluation(
  key: string,
  result: EvaluationResult<FlagValue | null>,
): OfrepEvaluation {
  if (result.errorCode === 'FLAG_NOT_FOUND') return notFound(key);
  const metadata = Object.keys(result.flagMetadata).length > 0 ? result.flagMetadata : undefined;
  if (result.errorCode !== undefined) {
    return { key, errorCode: result.errorCode, errorDetails: result.errorMessage, metadata };
  }
  const answer: OfrepEvaluation = { key, reason: result.reason };
  if (result.value !== null) answer.value = result.value;
  if (result.variant !== undefined) answer.variant = result.variant;
  if (metadata !== undefined) answer.metadata = metadata;
  return answer;
}

/** The HTTP status of a single evaluation's answer (404 not found, 400 other failures). */
export function statusOf(answer: OfrepEvaluation): 200 | 400 | 404 {
  if (answer.errorCode === undefined) return 200;
  return answer.errorCode === 'FLAG_NOT_FOUND' ? 404 : 400;
}
