/**
 * A JSON value as it appears in a flag definition or an evaluation context.
 * @publicApi
 */
export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object. @publicApi */
export type JsonObject = { [key: string]: JsonValue };

/**
 * The attributes a flag is evaluated against. `targetingKey` identifies the subject (a user id,
 * a session id) and is what `fractional` rollouts bucket by.
 * @example { targetingKey: 'user-42', country: 'US', plan: 'premium' }
 * @publicApi
 */
export interface EvaluationContext {
  targetingKey?: string;
  [attribute: string]: unknown;
}

/** The value a flag resolves to. @publicApi */
export type FlagValue = boolean | string | number | JsonObject;

/** The four value types of OpenFeature. @publicApi */
export type FlagValueType = 'boolean' | 'string' | 'number' | 'object';

/**
 * Why a flag resolved as it did (OpenFeature's standard reasons).
 * - `STATIC`: the flag has no targeting; its default variant was served.
 * - `TARGETING_MATCH`: targeting chose the variant.
 * - `DEFAULT`: targeting ran but chose nothing; the default variant (or the code default) was served.
 * - `DISABLED`: the flag is disabled; the code default was served.
 * - `ERROR`: see `errorCode`; the code default was served.
 * @publicApi
 */
export type ResolutionReason = 'STATIC' | 'TARGETING_MATCH' | 'DEFAULT' | 'DISABLED' | 'ERROR';

/** What went wrong when `reason` is `ERROR` (OpenFeature's error codes). @publicApi */
export type EvaluationErrorCode = 'FLAG_NOT_FOUND' | 'TYPE_MISMATCH' | 'PARSE_ERROR' | 'GENERAL';

/** Flag metadata: flag set metadata overlaid by the flag's own. @publicApi */
export type FlagMetadata = Readonly<Record<string, string | number | boolean>>;

/**
 * The full outcome of one evaluation, in OpenFeature's shape.
 * @publicApi
 */
export interface EvaluationResult<T extends FlagValue | null = FlagValue> {
  value: T;
  /** The variant served; absent when the code default was served. */
  variant?: string;
  reason: ResolutionReason;
  errorCode?: EvaluationErrorCode;
  errorMessage?: string;
  flagMetadata: FlagMetadata;
}
