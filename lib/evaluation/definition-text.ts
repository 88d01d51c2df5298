import { CompiledFlag, type SharedCompileOptions, TargetingFailure } from './compiled-flag';
import type { FlagMetadata } from './evaluation.types';
import { type FlagParts, mergeMetadata, validateFlag } from './validate-flag';
import { pointer } from './validation-error';

/** A flag that evaluates to PARSE_ERROR, as lenient validation describes one. */
function unusable(key: string, setMetadata: FlagMetadata, problem: string): CompiledFlag {
  return new CompiledFlag(key, true, {}, undefined, setMetadata, new TargetingFailure(problem));
}

/** A definition's parts as lenient validation gives them, or why they cannot make a flag. */
function partsOf(text: string, path: string): FlagParts | string {
  let definition: unknown;
  try {
    definition = JSON.parse(text);
  } catch (error) {
    const reason = (error as Error)?.message ?? String(error);
    return `Invalid flag definition: not valid JSON: ${reason}`;
  }
  // Lenient validation reports nothing: it describes an unusable flag by its problem instead.
  const parts = validateFlag(definition, path, false, []);
  if (parts === undefined || parts.problem !== undefined) {
    return parts?.problem ?? 'Invalid flag definition';
  }
  return parts;
}

/**
 * The flag a definition's JSON text describes, made as a lenient load makes it: text that is not
 * JSON, or not a valid flag, evaluates to PARSE_ERROR, and so does targeting over the limits. Its
 * targeting is compiled at once, since a flag is made from its text when first evaluated; a
 * disabled flag's targeting never runs, so it is not kept.
 * @internal
 */
export function flagFromText(
  key: string,
  text: string,
  setMetadata: FlagMetadata,
  shared: SharedCompileOptions,
): CompiledFlag {
  const parts = partsOf(text, pointer('/flags', key));
  if (typeof parts === 'string') return unusable(key, setMetadata, parts);
  const { enabled, variants, defaultVariant, targeting } = parts;
  const metadata = mergeMetadata(setMetadata, parts.metadata);
  const flag = new CompiledFlag(key, enabled, variants, defaultVariant, metadata, undefined);
  if (enabled && targeting !== undefined) flag.compileNow(targeting, shared);
  return flag;
}

/**
 * The metadata of the flag a definition's JSON text describes, as {@link flagFromText} gives it,
 * without making the flag: for reading every flag's metadata (expiry dates at startup, say)
 * without parsing every definition, let alone compiling its targeting.
 * @internal
 */
export function metadataFromText(text: string, setMetadata: FlagMetadata): FlagMetadata {
  // JSON can only name a "metadata" property by spelling it out, or with \u escapes.
  if (!text.includes('metadata') && !text.includes('\\u')) return setMetadata;
  const parts = partsOf(text, '');
  return typeof parts === 'string' ? setMetadata : mergeMetadata(setMetadata, parts.metadata);
}
