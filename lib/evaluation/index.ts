export type {
  EvaluationContext,
  EvaluationErrorCode,
  EvaluationResult,
  FlagMetadata,
  FlagValue,
  FlagValueType,
  JsonObject,
  JsonValue,
  ResolutionReason,
} from './evaluation.types';
export {
  evaluate,
  evaluateAll,
  evaluateFlag,
  getBoolean,
  getNumber,
  getObject,
  getString,
} from './evaluate';
export { FlagSet } from './flag-set';
export { flagKeyProblem } from './flag-key';
export { parseFlagSet, type ParseResult } from './parse-flag-set';
export type { ParseOptions } from './parse-options';
export type { ValidationError } from './validation-error';
export { parseFlagChanges } from './parse-flag-changes';
