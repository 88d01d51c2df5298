import type { EvaluationErrorCode, ResolutionReason } from '../evaluation';

/*
 * The names OpenTelemetry's semantic conventions give (feature flags: v1.44.0, release
 * candidate; model/feature-flags/ in open-telemetry/semantic-conventions), in one place.
 */

/** @internal */
export const FEATURE_FLAG_EVALUATION = 'feature_flag.evaluation';
/** @internal */
export const FEATURE_FLAG_KEY = 'feature_flag.key';
/** @internal */
export const FEATURE_FLAG_PROVIDER_NAME = 'feature_flag.provider.name';
/** @internal */
export const FEATURE_FLAG_RESULT_VARIANT = 'feature_flag.result.variant';
/** @internal */
export const FEATURE_FLAG_RESULT_REASON = 'feature_flag.result.reason';
/** @internal */
export const FEATURE_FLAG_CONTEXT_ID = 'feature_flag.context.id';
/** @internal */
export const FEATURE_FLAG_VERSION = 'feature_flag.version';
/** @internal */
export const ERROR_TYPE = 'error.type';

/** The provider's name in `feature_flag.provider.name`. @internal */
export const PROVIDER_NAME = 'nestjs-hybrid-flags';

/** OpenFeature's reasons as the conventions spell them: lower case. @internal */
export const RESULT_REASONS: Readonly<Record<ResolutionReason, string>> = {
  STATIC: 'static',
  TARGETING_MATCH: 'targeting_match',
  DEFAULT: 'default',
  DISABLED: 'disabled',
  ERROR: 'error',
};

/** OpenFeature's error codes as the conventions' `error.type` values. @internal */
export const ERROR_TYPES: Readonly<Record<EvaluationErrorCode, string>> = {
  FLAG_NOT_FOUND: 'flag_not_found',
  TYPE_MISMATCH: 'type_mismatch',
  PARSE_ERROR: 'parse_error',
  GENERAL: 'general',
};
