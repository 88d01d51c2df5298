import type { FlagSet } from '../evaluation';
import { lazyFlagSet } from '../evaluation/lazy-flag-set';
import type { StoredFlagSet } from '../ports/flag-store';

/** A stored text's JSON value, or `fallback` when the text is not JSON. */
function parsedOr(text: string, fallback: unknown): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return fallback;
  }
}

/**
 * The flag set the store holds. Stored definitions were validated when written, so they load
 * lazily and leniently: each flag keeps its row's text until first evaluated, when it is parsed
 * and compiled, and one damaged row costs one flag (PARSE_ERROR), not the whole set. Evaluators
 * and metadata, which every flag shares, are parsed now.
 * @internal
 */
export function flagSetFromStore(stored: StoredFlagSet): FlagSet {
  // fromEntries defines own properties, so no evaluator name can reach a prototype.
  const evaluators = Object.fromEntries(
    // An evaluator that is not JSON stays its text, as a lenient load takes it.
    stored.evaluators.map(({ key, definition }) => [key, parsedOr(definition, definition)]),
  );
  const loaded = lazyFlagSet(
    stored.flags,
    evaluators,
    parsedOr(stored.metadata ?? '{}', undefined),
  );
  if (!loaded.ok) {
    throw new Error(
      `The stored flags cannot be read: ${loaded.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
    );
  }
  return loaded.flagSet;
}
