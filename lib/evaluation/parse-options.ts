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
   * @default false
   */
  lenient?: boolean;
  /** The most flags a set may hold. @default 50000 */
  maxFlags?: number;
  /** The largest document accepted, in UTF-8 bytes, when the input is a string. @default 10485760 (10 MiB) */
  maxBytes?: number;
  /** How deeply targeting (and `$ref` expansion) may nest. @default 64 */
  maxDepth?: number;
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
  };
}
