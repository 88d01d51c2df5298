import { type CompiledFlag, TargetingFailure } from './compiled-flag';
import type {
  EvaluationContext,
  EvaluationErrorCode,
  EvaluationResult,
  FlagMetadata,
  FlagValue,
  FlagValueType,
  JsonObject,
  ResolutionReason,
} from './evaluation.types';
import type { FlagSet } from './flag-set';

const EMPTY_CONTEXT: EvaluationContext = Object.freeze({});

/** Marks "serve the caller's default" without allocating. */
const CODE_DEFAULT = Symbol('code default');

/**
 * How the last resolution went. Evaluation is synchronous, so one scratch record serves every
 * call and the typed getters allocate nothing.
 */
const outcome = {
  variant: undefined as string | undefined,
  reason: 'STATIC' as ResolutionReason,
  errorCode: undefined as EvaluationErrorCode | undefined,
  errorMessage: undefined as string | undefined,
  metadata: undefined as unknown as FlagMetadata,
  flag: undefined as CompiledFlag | undefined,
};

function fail(code: EvaluationErrorCode, message: string): typeof CODE_DEFAULT {
  outcome.variant = undefined;
  outcome.reason = 'ERROR';
  outcome.errorCode = code;
  outcome.errorMessage = message;
  return CODE_DEFAULT;
}

function resolve(
  flagSet: FlagSet,
  key: string,
  type: FlagValueType | undefined,
  context: EvaluationContext,
): FlagValue | typeof CODE_DEFAULT {
  outcome.errorCode = undefined;
  outcome.errorMessage = undefined;
  const flag = flagSet.get(key);
  // Written only when it changes: storing a reference costs a write barrier on every call.
  if (outcome.flag !== flag) outcome.flag = flag;
  if (flag === undefined) {
    outcome.metadata = flagSet.metadata;
    return fail('FLAG_NOT_FOUND', `Flag "${key}" not found; check the key or add the flag.`);
  }
  outcome.metadata = flag.metadata;
  if (!flag.enabled) {
    outcome.variant = undefined;
    outcome.reason = 'DISABLED';
    return CODE_DEFAULT;
  }
  let variant: string | undefined = flag.defaultVariant;
  let reason: ResolutionReason = 'STATIC';
  const rule = flag.rule(flagSet.compileOptions);
  if (rule !== undefined) {
    if (rule instanceof TargetingFailure) return fail('PARSE_ERROR', rule.message);
    let chosen: unknown;
    try {
      chosen = rule(context);
    } catch (error) {
      return fail(
        'GENERAL',
        `Targeting of flag "${key}" failed: ${(error as Error)?.message ?? String(error)}`,
      );
    }
    if (chosen === null || chosen === undefined) {
      reason = 'DEFAULT';
    } else {
      variant = String(chosen);
      reason = 'TARGETING_MATCH';
    }
  }
  if (variant === undefined) {
    outcome.variant = undefined;
    outcome.reason = 'DEFAULT';
    return CODE_DEFAULT;
  }
  const value = flag.valueOf(variant);
  if (value === undefined) {
    return fail('GENERAL', `Flag "${key}" chose variant "${variant}", which it does not define.`);
  }
  if (type !== undefined && typeof value !== type) {
    return fail(
      'TYPE_MISMATCH',
      `Flag "${key}" is a ${typeof value} flag but was evaluated as ${type}; use the matching getter.`,
    );
  }
  outcome.variant = variant;
  outcome.reason = reason;
  return value;
}

/** How an evaluation went, beside its value. */
export interface Resolution {
  readonly variant?: string;
  readonly reason: ResolutionReason;
  readonly errorCode?: EvaluationErrorCode;
  /** The flag evaluated; undefined when the set has none of that key. */
  readonly flag?: CompiledFlag;
}

/**
 * How the latest evaluation in this process went: read it right after a typed getter (which
 * returns only the value) to learn the variant and reason without allocating. The record is
 * reused by the next evaluation; copy what you keep.
 */
export function lastResolution(): Resolution {
  return outcome;
}

function typeOf(value: unknown): FlagValueType {
  const type = typeof value;
  return type === 'boolean' || type === 'string' || type === 'number' ? type : 'object';
}

/**
 * Evaluates one flag for a context: synchronous, never throws, reads only the flag set.
 * On any problem the result carries the caller's `defaultValue`, reason `ERROR` and an error code.
 *
 * @param type the expected value type; inferred from `defaultValue` when omitted.
 * @example
 * const result = evaluate(flagSet, 'new-checkout', false, { targetingKey: 'user-1', plan: 'pro' });
 * // { value: true, variant: 'on', reason: 'TARGETING_MATCH', flagMetadata: {} }
 * @publicApi
 */
export function evaluate<T extends FlagValue | null>(
  flagSet: FlagSet,
  key: string,
  defaultValue: T,
  context: EvaluationContext = EMPTY_CONTEXT,
  type: FlagValueType = typeOf(defaultValue),
): EvaluationResult<T> {
  return details(flagSet, key, defaultValue, context, type);
}

/** The result object of one evaluation; `type` undefined accepts any value type. */
function details<T extends FlagValue | null>(
  flagSet: FlagSet,
  key: string,
  defaultValue: T,
  context: EvaluationContext | null,
  type: FlagValueType | undefined,
): EvaluationResult<T> {
  const value = resolve(flagSet, key, type, context ?? EMPTY_CONTEXT);
  const result: EvaluationResult<T> = {
    value: value === CODE_DEFAULT ? defaultValue : (value as T),
    reason: outcome.reason,
    flagMetadata: outcome.metadata,
  };
  if (outcome.variant !== undefined) result.variant = outcome.variant;
  if (outcome.errorCode !== undefined) {
    result.errorCode = outcome.errorCode;
    result.errorMessage = outcome.errorMessage;
  }
  return result;
}

function typedValue<T>(
  flagSet: FlagSet,
  key: string,
  type: FlagValueType,
  defaultValue: T,
  context: EvaluationContext | null,
): T {
  const value = resolve(flagSet, key, type, context ?? EMPTY_CONTEXT);
  return value === CODE_DEFAULT ? defaultValue : (value as T);
}

/**
 * The boolean value of a flag, or `defaultValue` when it cannot be served. Allocates nothing.
 * @example if (getBoolean(flagSet, 'new-checkout', false, { targetingKey: user.id })) { ... }
 * @publicApi
 */
export function getBoolean(
  flagSet: FlagSet,
  key: string,
  defaultValue: boolean,
  context: EvaluationContext = EMPTY_CONTEXT,
): boolean {
  return typedValue(flagSet, key, 'boolean', defaultValue, context);
}

/**
 * The string value of a flag, or `defaultValue`. Allocates nothing.
 * @example const flow = getString(flagSet, 'checkout-flow', 'classic', { targetingKey: user.id });
 * @publicApi
 */
export function getString(
  flagSet: FlagSet,
  key: string,
  defaultValue: string,
  context: EvaluationContext = EMPTY_CONTEXT,
): string {
  return typedValue(flagSet, key, 'string', defaultValue, context);
}

/**
 * The number value of a flag, or `defaultValue`. Allocates nothing.
 * @example const limit = getNumber(flagSet, 'upload-limit-mb', 10, { targetingKey: user.id });
 * @publicApi
 */
export function getNumber(
  flagSet: FlagSet,
  key: string,
  defaultValue: number,
  context: EvaluationContext = EMPTY_CONTEXT,
): number {
  return typedValue(flagSet, key, 'number', defaultValue, context);
}

/**
 * The object value of a flag, or `defaultValue`. The object is shared: do not mutate it.
 * @example const theme = getObject(flagSet, 'theme', { color: 'blue' }, { targetingKey: user.id });
 * @publicApi
 */
export function getObject<T extends JsonObject>(
  flagSet: FlagSet,
  key: string,
  defaultValue: T,
  context: EvaluationContext = EMPTY_CONTEXT,
): T {
  return typedValue(flagSet, key, 'object', defaultValue, context);
}

/**
 * Evaluates every flag of the set for one context, whatever its type; the value is null where the
 * flag cannot be served (see `reason`). Disabled flags are included, with reason `DISABLED`.
 * @example evaluateAll(flagSet, { targetingKey: 'user-1' })['new-checkout'].value
 * @publicApi
 */
export function evaluateAll(
  flagSet: FlagSet,
  context: EvaluationContext = EMPTY_CONTEXT,
): Record<string, EvaluationResult<FlagValue | null>> {
  const results: Record<string, EvaluationResult<FlagValue | null>> = {};
  for (const key of flagSet.keys()) results[key] = evaluateFlag(flagSet, key, context);
  return results;
}

/**
 * Evaluates one flag whatever its type: the value is null where the flag cannot be served.
 * @example evaluateFlag(flagSet, 'checkout-flow', { targetingKey: 'user-1' }).variant
 * @publicApi
 */
export function evaluateFlag(
  flagSet: FlagSet,
  key: string,
  context: EvaluationContext = EMPTY_CONTEXT,
): EvaluationResult<FlagValue | null> {
  return details<FlagValue | null>(flagSet, key, null, context, undefined);
}
