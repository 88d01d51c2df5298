import { type CompiledFlag, TargetingFailure } from './compiled-flag';
import type { Rule } from './targeting/compiled-node';
import type {
  EvaluationContext,
  EvaluationErrorCode,
  EvaluationResult,
  FlagValue,
  FlagValueType,
  JsonObject,
  ResolutionReason,
} from './evaluation.types';
import type { FlagSet } from './flag-set';
import { ResolutionRecord } from './resolution-record';

export type { Resolution } from './resolution-record';

const EMPTY_CONTEXT: EvaluationContext = Object.freeze({});

/**
 * Records a value served, or the caller's default without an error. Each field is written only
 * when it changes, as a caller mostly evaluates the same flags again and again: storing a
 * reference costs a write barrier, and a store on every call also made the usage count's own
 * store slow in one process out of two (the two addresses colliding, by all appearances), where
 * a read costs nothing. An error is cleared only when there was one.
 */
function settle(
  record: ResolutionRecord,
  flag: CompiledFlag | undefined,
  variant: string | undefined,
  reason: ResolutionReason,
): void {
  if (record.flag !== flag) record.flag = flag;
  if (record.variant !== variant) record.variant = variant;
  if (record.reason !== reason) record.reason = reason;
  if (record.errorCode !== undefined) {
    record.errorCode = undefined;
    record.errorMessage = undefined;
  }
}

/*
 * What `resolveValue` does on its rare paths is out of line, each message built only for a record
 * (it allocates): what stays inline is small enough for the compiler to inline it whole into its
 * callers, FlagService's typed getters included, where each nanosecond shows.
 */

/** Records an error; every caller checks for a record first, as the message allocates. */
function fail<T>(
  record: ResolutionRecord,
  flag: CompiledFlag | undefined,
  result: T,
  code: EvaluationErrorCode,
  message: string,
): T {
  record.flag = flag;
  record.variant = undefined;
  record.reason = 'ERROR';
  record.errorCode = code;
  record.errorMessage = message;
  return result;
}

function notFound<T>(record: ResolutionRecord | undefined, key: string, defaultValue: T): T {
  if (record === undefined) return defaultValue;
  const message = `Flag "${key}" not found; check the key or add the flag.`;
  return fail(record, undefined, defaultValue, 'FLAG_NOT_FOUND', message);
}

/** The caller's default, served without an error: the flag is disabled, or chose no variant. */
function codeDefault<T>(
  record: ResolutionRecord | undefined,
  flag: CompiledFlag,
  defaultValue: T,
  reason: 'DISABLED' | 'DEFAULT',
): T {
  if (record !== undefined) settle(record, flag, undefined, reason);
  return defaultValue;
}

function unusable<T>(
  record: ResolutionRecord | undefined,
  flag: CompiledFlag,
  defaultValue: T,
  failure: TargetingFailure,
): T {
  if (record === undefined) return defaultValue;
  return fail(record, flag, defaultValue, 'PARSE_ERROR', failure.message);
}

/** Marks a rule that threw. */
const FAILED = Symbol('failed');

/** What the rule chose, or FAILED when it threw (recorded as the error it is). */
function choose(
  rule: Rule,
  context: EvaluationContext | null | undefined,
  record: ResolutionRecord | undefined,
  flag: CompiledFlag,
): unknown {
  try {
    return rule(context ?? EMPTY_CONTEXT);
  } catch (error) {
    return ruleFailed(record, flag, error);
  }
}

function ruleFailed(
  record: ResolutionRecord | undefined,
  flag: CompiledFlag,
  error: unknown,
): typeof FAILED {
  if (record === undefined) return FAILED;
  const cause = (error as Error)?.message ?? String(error);
  const message = `Targeting of flag "${flag.key}" failed: ${cause}`;
  return fail(record, flag, FAILED, 'GENERAL', message);
}

/**
 * The value of a flag, or `defaultValue` when it cannot be served: what every evaluation runs.
 * How it went goes into `record` when one is given: the caller owns it, and reads it before its
 * next evaluation. Allocates nothing (an error's message for a record aside).
 * @param type the value type expected; undefined accepts any.
 * @internal
 */
export function resolveValue<T>(
  flagSet: FlagSet,
  key: string,
  type: FlagValueType | undefined,
  defaultValue: T,
  context: EvaluationContext | null | undefined,
  record: ResolutionRecord | undefined,
): T {
  const flag = flagSet.get(key);
  if (flag === undefined) return notFound(record, key, defaultValue);
  if (!flag.enabled) return codeDefault(record, flag, defaultValue, 'DISABLED');
  const rule = flag.rule(flagSet.compileOptions);
  // A flag without targeting never runs what follows: it stays out of its callers' code.
  if (rule !== undefined) return targeted(flag, rule, type, defaultValue, context, record);
  return served(flag, flag.defaultVariant, 'STATIC', type, defaultValue, record);
}

function targeted<T>(
  flag: CompiledFlag,
  rule: Rule | TargetingFailure,
  type: FlagValueType | undefined,
  defaultValue: T,
  context: EvaluationContext | null | undefined,
  record: ResolutionRecord | undefined,
): T {
  if (rule instanceof TargetingFailure) return unusable(record, flag, defaultValue, rule);
  const chosen = choose(rule, context, record, flag);
  if (chosen === FAILED) return defaultValue;
  if (chosen === null || chosen === undefined) {
    return served(flag, flag.defaultVariant, 'DEFAULT', type, defaultValue, record);
  }
  return served(flag, String(chosen), 'TARGETING_MATCH', type, defaultValue, record);
}

/** The value of `variant`, checked against `type`; the caller's default without a variant. */
function served<T>(
  flag: CompiledFlag,
  variant: string | undefined,
  reason: ResolutionReason,
  type: FlagValueType | undefined,
  defaultValue: T,
  record: ResolutionRecord | undefined,
): T {
  const value = variant === undefined ? undefined : flag.valueOf(variant);
  // Comparing the flag's one value type first spares `typeof value === type`, a runtime call.
  if (
    value === undefined ||
    (type !== undefined && flag.valueType !== type && typeof value !== type)
  ) {
    return unserved(record, flag, defaultValue, variant, value, type);
  }
  if (record !== undefined) settle(record, flag, variant, reason);
  return value as T;
}

/** Why a variant chosen was not served: there is none, it is not defined, or of another type. */
function unserved<T>(
  record: ResolutionRecord | undefined,
  flag: CompiledFlag,
  defaultValue: T,
  variant: string | undefined,
  value: FlagValue | undefined,
  type: FlagValueType | undefined,
): T {
  if (variant === undefined) return codeDefault(record, flag, defaultValue, 'DEFAULT');
  if (record === undefined) return defaultValue;
  const message =
    value === undefined
      ? `Flag "${flag.key}" chose variant "${variant}", which it does not define.`
      : `Flag "${flag.key}" is a ${typeof value} flag but was evaluated as ${type}; use the matching getter.`;
  return fail(
    record,
    flag,
    defaultValue,
    value === undefined ? 'GENERAL' : 'TYPE_MISMATCH',
    message,
  );
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
  const record = new ResolutionRecord();
  const value = resolveValue<T>(flagSet, key, type, defaultValue, context, record);
  const result: EvaluationResult<T> = {
    value,
    reason: record.reason,
    flagMetadata: record.flag?.metadata ?? flagSet.metadata,
  };
  if (record.variant !== undefined) result.variant = record.variant;
  if (record.errorCode !== undefined) {
    result.errorCode = record.errorCode;
    result.errorMessage = record.errorMessage;
  }
  return result;
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
  context?: EvaluationContext,
): boolean {
  return resolveValue(flagSet, key, 'boolean', defaultValue, context, undefined);
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
  context?: EvaluationContext,
): string {
  return resolveValue(flagSet, key, 'string', defaultValue, context, undefined);
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
  context?: EvaluationContext,
): number {
  return resolveValue(flagSet, key, 'number', defaultValue, context, undefined);
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
  context?: EvaluationContext,
): T {
  return resolveValue(flagSet, key, 'object', defaultValue, context, undefined);
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
