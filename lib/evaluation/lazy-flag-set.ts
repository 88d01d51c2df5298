import type { SharedCompileOptions } from './compiled-flag';
import type { FlagMetadata } from './evaluation.types';
import { FlagSet, flagTable } from './flag-set';
import type { ParseResult } from './parse-flag-set';
import {
  type ParseOptions,
  resolveParseOptions,
  ruleLimitsOf,
  tooManyFlags,
} from './parse-options';
import { RuleCosts } from './targeting/rule-cost';
import { EMPTY_METADATA, isPlainObject } from './validate-flag';

/** One flag's definition as JSON text, by key: how a store holds it. @internal */
export interface DefinitionText {
  readonly key: string;
  readonly definition: string;
}

/**
 * A flag set over definitions kept as JSON text, each made into a flag when first looked up,
 * for definitions validated strictly when they were written (the module's own store): loading
 * costs a map entry per flag, and only the flags an application evaluates are ever parsed. It
 * evaluates as a lenient `parseFlagSet` of the same document does: a definition that is not JSON,
 * not a valid flag, or over the limits evaluates to ERROR/PARSE_ERROR, alone; `size`, `has` and
 * `keys` count every definition (a key given twice counts once, its last definition kept). Evaluators and the set's metadata are given parsed: every flag
 * shares them, so a change of either loads the set anew.
 *
 * @param evaluators the `$evaluators`, each already parsed (lenient: any JSON value).
 * @param metadata the flag set's metadata; anything but an object counts as none.
 * @returns the flag set, or an error when there are more than `maxFlags` flags.
 * @internal
 */
export function lazyFlagSet(
  definitions: Iterable<DefinitionText>,
  evaluators: Readonly<Record<string, unknown>>,
  metadata: unknown,
  options?: Omit<ParseOptions, 'lenient' | 'maxTotalNodes' | 'maxBytes'>,
): ParseResult {
  const resolved = resolveParseOptions({ ...options, lenient: true });
  const flags = flagTable();
  let count = 0;
  for (const { key, definition } of definitions) {
    if (flags[key] === undefined) count++;
    // Anything but text would pass for a flag already made: as text, it fails that flag alone.
    flags[key] = typeof definition === 'string' ? definition : String(definition);
  }
  if (count > resolved.maxFlags) {
    return { ok: false, errors: [tooManyFlags(count, resolved.maxFlags)] };
  }
  const limits = ruleLimitsOf(resolved);
  const shared: SharedCompileOptions = {
    evaluators,
    ...limits,
    costs: new RuleCosts(evaluators, limits),
  };
  const setMetadata = isPlainObject(metadata) ? (metadata as FlagMetadata) : EMPTY_METADATA;
  return { ok: true, flagSet: new FlagSet(flags, count, setMetadata, shared) };
}
