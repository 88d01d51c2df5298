import { EvaluatorChecks, checkTargeting } from './check-targeting';
import { compactTexts } from './compact-texts';
import { CompiledFlag, type SharedCompileOptions, TargetingFailure } from './compiled-flag';
import type { FlagMetadata } from './evaluation.types';
import { flagKeyProblem } from './flag-key';
import { FlagSet, flagTable } from './flag-set';
import {
  type ParseOptions,
  type ResolvedParseOptions,
  resolveParseOptions,
  ruleLimitsOf,
  tooManyFlags,
} from './parse-options';
import { formatCount } from './targeting/format-count';
import { MAX_COST, RuleCosts, nodesBreach, problemPath } from './targeting/rule-cost';
import {
  EMPTY_METADATA,
  type FlagParts,
  RESERVED_KEYS,
  checkMetadata,
  isPlainObject,
  mergeMetadata,
  validateFlag,
} from './validate-flag';
import { type ValidationError, pointer } from './validation-error';

/**
 * The outcome of `parseFlagSet`: a flag set ready to evaluate, or every problem found.
 * @publicApi
 */
export type ParseResult = { ok: true; flagSet: FlagSet } | { ok: false; errors: ValidationError[] };

const TOP_LEVEL_PROPERTIES = new Set(['$schema', 'flags', '$evaluators', 'metadata']);

function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

function readDocument(input: string | object, options: ResolvedParseOptions): unknown {
  if (typeof input !== 'string') return input;
  if (
    input.length > options.maxBytes ||
    (input.length * 3 > options.maxBytes && utf8Length(input) > options.maxBytes)
  ) {
    throw new DocumentError(
      `the document is larger than ${options.maxBytes} bytes; split it or raise maxBytes`,
    );
  }
  try {
    return JSON.parse(input);
  } catch (error) {
    throw new DocumentError(`the document is not valid JSON: ${(error as Error).message}`);
  }
}

class DocumentError extends Error {}

/** `__proto__` anywhere could reach object internals in code that copies the document. */
function findReservedKeys(value: unknown, segments: string[], errors: ValidationError[]): void {
  if (value === null || typeof value !== 'object' || segments.length > 256) return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      segments.push(String(i));
      findReservedKeys(value[i], segments, errors);
      segments.pop();
    }
    return;
  }
  for (const key of Object.keys(value)) {
    segments.push(key);
    if (key === '__proto__') {
      errors.push({
        path: segments.reduce(pointer, ''),
        message: '"__proto__" is not allowed as a key',
      });
    } else {
      findReservedKeys((value as Record<string, unknown>)[key], segments, errors);
    }
    segments.pop();
  }
}

/** JSON text can only hold a `__proto__` key if it spells it out or uses escapes. */
function mayHoldReservedKeys(input: string | object): boolean {
  return typeof input !== 'string' || input.includes('__proto__') || input.includes('\\u');
}

function checkTopLevel(
  document: Record<string, unknown>,
  strict: boolean,
  reservedKeys: boolean,
  errors: ValidationError[],
): void {
  if (!isPlainObject(document.flags)) {
    errors.push({
      path: '/flags',
      message: 'a flag set has a "flags" object of key -> flag definition',
    });
  }
  const evaluators = document.$evaluators;
  if (evaluators !== undefined && !isPlainObject(evaluators)) {
    errors.push({
      path: '/$evaluators',
      message: '"$evaluators" must be an object of name -> JsonLogic',
    });
  }
  if (!strict) return;
  for (const key of Object.keys(document)) {
    if (!TOP_LEVEL_PROPERTIES.has(key)) {
      errors.push({
        path: pointer('', key),
        message: `unknown property "${key}"; a flag set has flags, $evaluators, metadata and $schema`,
      });
    }
  }
  if (document.metadata !== undefined) checkMetadata(document.metadata, '/metadata', errors);
  if (reservedKeys) findReservedKeys(document, [], errors);
}

function checkKey(key: string, path: string, errors: ValidationError[]): void {
  const problem = flagKeyProblem(key);
  if (problem !== undefined) errors.push({ path, message: problem });
}

/** Every evaluator once, used or not: its problems, literals over a limit, and its size. */
function checkEvaluators(checks: EvaluatorChecks, errors: ValidationError[]): void {
  const { evaluators, costs, limits } = checks;
  for (const name of Object.keys(evaluators)) {
    const path = pointer('/$evaluators', name);
    if (RESERVED_KEYS.has(name))
      errors.push({ path, message: `"${name}" cannot name an evaluator` });
    else checkKey(name, path, errors);
    checks.summary(name);
    const cost = costs.evaluator(name);
    if (cost === undefined) continue;
    if (cost.flawed) {
      for (const problem of costs.evaluatorProblems(name))
        errors.push({ path: problemPath(problem, path), message: problem.message });
    }
    // Reported where the growth starts, not again at every evaluator built on it.
    if (
      cost.cycle === undefined &&
      cost.nodes > limits.maxNodes &&
      cost.heaviestReference <= limits.maxNodes
    ) {
      errors.push({
        path,
        message: `this evaluator expands to ${formatCount(cost.nodes)} nodes once every "$ref" is replaced by its evaluator and iterations over literal arrays are multiplied out, more than the limit for one flag of ${formatCount(limits.maxNodes)} (maxNodes), so no flag can use it; share less through "$ref" (every use evaluates the whole evaluator), split it, or use shorter lists`,
      });
    }
  }
}

function build(
  document: unknown,
  reservedKeys: boolean,
  options: ResolvedParseOptions,
): ParseResult {
  const strict = !options.lenient;
  const errors: ValidationError[] = [];
  if (!isPlainObject(document)) {
    return {
      ok: false,
      errors: [{ path: '', message: 'a flag set is a JSON object with a "flags" object' }],
    };
  }
  checkTopLevel(document, strict, reservedKeys, errors);
  if (
    !isPlainObject(document.flags) ||
    (document.$evaluators !== undefined && !isPlainObject(document.$evaluators))
  ) {
    return { ok: false, errors };
  }
  const flagsIn = document.flags;
  const keys = Object.keys(flagsIn);
  if (keys.length > options.maxFlags) {
    errors.push(tooManyFlags(keys.length, options.maxFlags));
    return { ok: false, errors };
  }
  const evaluators = (document.$evaluators as Record<string, unknown> | undefined) ?? {};
  const limits = ruleLimitsOf(options);
  const costs = new RuleCosts(evaluators, limits);
  const shared: SharedCompileOptions = { evaluators, ...limits, costs };
  let checks: EvaluatorChecks | undefined;
  if (strict) {
    checks = new EvaluatorChecks(evaluators, limits, costs, errors);
    checkEvaluators(checks, errors);
  }
  let totalNodes = 0;
  const setMetadata = isPlainObject(document.metadata)
    ? (document.metadata as FlagMetadata)
    : EMPTY_METADATA;
  const pending: Array<{ key: string; parts: FlagParts; metadata: FlagMetadata }> = [];
  const sources: Array<string | undefined> = [];
  for (const key of keys) {
    const path = pointer('/flags', key);
    if (strict && (key === '' || RESERVED_KEYS.has(key))) {
      errors.push({ path, message: `"${key}" cannot be a flag key; choose another key` });
      continue;
    }
    if (strict) checkKey(key, path, errors);
    const parts = validateFlag(flagsIn[key], path, strict, errors);
    if (parts === undefined) continue;
    if (checks !== undefined && parts.targeting !== undefined) {
      const targetingPath = pointer(path, 'targeting');
      const cost = costs.measure(parts.targeting);
      if (cost.flawed) {
        for (const problem of costs.problems(parts.targeting))
          errors.push({ path: problemPath(problem, targetingPath), message: problem.message });
      }
      totalNodes = Math.min(MAX_COST, totalNodes + cost.nodes);
      const breach = nodesBreach(parts.targeting, cost, costs, targetingPath);
      if (breach !== undefined) {
        errors.push(breach);
      } else if (totalNodes <= options.maxTotalNodes) {
        // Within the limits, checking a flag takes no longer than evaluating it.
        const check = { flagKey: key, variants: parts.variants, checks };
        checkTargeting(parts.targeting, targetingPath, check, errors);
      }
    }
    pending.push({ key, parts, metadata: mergeMetadata(setMetadata, parts.metadata) });
    sources.push(parts.targeting === undefined ? undefined : JSON.stringify(parts.targeting));
  }
  if (totalNodes > options.maxTotalNodes) {
    errors.push({
      path: '/flags',
      message: `the flags' targeting expands to ${totalNodes >= MAX_COST ? `more than ${formatCount(MAX_COST)}` : formatCount(totalNodes)} nodes in all, every "$ref" replaced by its evaluator (what evaluateAll evaluates), more than the limit of ${formatCount(options.maxTotalNodes)} (maxTotalNodes); share less through "$ref", simplify rules, or split the flag set`,
    });
  }
  if (errors.length > 0) return { ok: false, errors };
  const targetings = compactTexts(sources);
  const flags = flagTable();
  pending.forEach(({ key, parts, metadata }, index) => {
    const targeting =
      parts.problem !== undefined ? new TargetingFailure(parts.problem) : targetings[index];
    flags[key] = new CompiledFlag(
      key,
      parts.enabled,
      parts.variants,
      parts.defaultVariant,
      metadata,
      targeting,
    );
  });
  return { ok: true, flagSet: new FlagSet(flags, pending.length, setMetadata, shared) };
}

/**
 * Parses and validates a flag set in flagd's flag-definition format. Never throws: any input
 * gives either a flag set or a list of errors, each with a JSON pointer and what to fix.
 * Targeting is compiled, never evaluated as code (no `eval`, no `new Function`).
 *
 * @param input the document as JSON text, or already parsed (the flag set keeps references to
 *   parts of a parsed input: do not mutate it afterwards).
 * @example
 * const parsed = parseFlagSet(`{
 *   "flags": {
 *     "new-checkout": {
 *       "state": "ENABLED",
 *       "variants": { "on": true, "off": false },
 *       "defaultVariant": "off",
 *       "targeting": { "if": [{ "==": [{ "var": "plan" }, "premium"] }, "on", "off"] }
 *     }
 *   }
 * }`);
 * if (!parsed.ok) throw new Error(parsed.errors.map((e) => `${e.path}: ${e.message}`).join('\n'));
 * @publicApi
 */
export function parseFlagSet(input: string | object, options?: ParseOptions): ParseResult {
  let resolved: ResolvedParseOptions;
  try {
    resolved = resolveParseOptions(options);
    return build(readDocument(input, resolved), mayHoldReservedKeys(input), resolved);
  } catch (error) {
    const message =
      error instanceof DocumentError
        ? error.message
        : `the flag set could not be read: ${String((error as Error)?.message ?? error)}`;
    return { ok: false, errors: [{ path: '', message }] };
  }
}
