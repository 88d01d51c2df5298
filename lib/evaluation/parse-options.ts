import type { RuleLimits } from './targeting/rule-cost';
import type { ValidationError } from './validation-error';

/**
 * Options of `parseFlagSet`.
 * @publicApi
 */
export interface ParseOptions {
  /**
   * Load like flagd does: a broken flag still loads and evaluates to reason ERROR with
   * errorCode PARSE_ERROR, negative `fractional` weights count as zero, and checks that only
   * catch mistakes (unknown properties, mixed variant types, rules choosing undefined variants) are
   * skipped. Only a document that is not a flag set at all is refused.
   * Use it to read flag files written for flagd; every write goes through strict mode.
   * The per-flag limits below (`maxNodes`, `maxStringLength`, `maxArrayLength`, `maxBuckets`,
   * `maxDepth`) still apply, checked on a flag's first evaluation: a flag over one evaluates to
   * PARSE_ERROR. `maxTotalNodes` is not checked.
   * @default false
   */
  lenient?: boolean;
  /** The most flags a set may hold. @default 50000 */
  maxFlags?: number;
  /** The largest document accepted, in UTF-8 bytes, when the input is a string. @default 10485760 (10 MiB) */
  maxBytes?: number;
  /** How deeply targeting (and `$ref` expansion) may nest. @default 64 */
  maxDepth?: number;
  /**
   * The most nodes one flag's targeting may evaluate: every JSON value counts (a string one more
   * per 64 characters), each `$ref` as the whole evaluator it names, and the body of `map`,
   * `filter`, `reduce`, `all`, `some` or `none` over a literal array once per element. Iterations
   * over arrays from the context are metered as they run, against the same limit: an evaluation
   * going over it fails (reason ERROR, errorCode GENERAL).
   * @default 100000
   */
  maxNodes?: number;
  /**
   * The most nodes all flags' targeting may add up to (what `evaluateAll` evaluates). Strict mode
   * only: lenient loads do not add flags up, so that they stay lazy.
   * @default 2000000
   */
  maxTotalNodes?: number;
  /** The longest string literal in targeting, in UTF-16 code units. @default 65536 */
  maxStringLength?: number;
  /** The most elements of an array literal in targeting. @default 100000 */
  maxArrayLength?: number;
  /** The most buckets of one `fractional`. @default 1000 */
  maxBuckets?: number;
}

/** @internal */
export type ResolvedParseOptions = Required<ParseOptions>;

/** @internal */
export function resolveParseOptions(options: ParseOptions = {}): ResolvedParseOptions {
  return {
    lenient: options.lenient ?? false,
    maxFlags: options.maxFlags ?? 50_000,
    maxBytes: options.maxBytes ?? 10 * 1024 * 1024,
    maxDepth: options.maxDepth ?? 64,
    maxNodes: options.maxNodes ?? 100_000,
    maxTotalNodes: options.maxTotalNodes ?? 2_000_000,
    maxStringLength: options.maxStringLength ?? 65_536,
    maxArrayLength: options.maxArrayLength ?? 100_000,
    maxBuckets: options.maxBuckets ?? 1_000,
  };
}

/** The error of a flag set holding more than `maxFlags` flags, eager or lazy. @internal */
export function tooManyFlags(count: number, maxFlags: number): ValidationError {
  return {
    path: '/flags',
    message: `${count} flags is more than the limit of ${maxFlags}; raise maxFlags or remove flags`,
  };
}

/** The limits each flag's targeting keeps to, out of resolved options. @internal */
export function ruleLimitsOf(options: ResolvedParseOptions): RuleLimits {
  return {
    maxDepth: options.maxDepth,
    maxNodes: options.maxNodes,
    maxStringLength: options.maxStringLength,
    maxArrayLength: options.maxArrayLength,
    maxBuckets: options.maxBuckets,
  };
}
