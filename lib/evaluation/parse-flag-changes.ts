import type { FlagSet } from './flag-set';
import { parseFlagSet } from './parse-flag-set';

/**
 * Applies changed flag definitions to a flag set without parsing the rest again: the changed
 * flags are parsed leniently with the set's own evaluators, metadata and limits. Never throws.
 * @example const next = parseFlagChanges(current, { beta: definition }, ['old-flag']);
 * @internal
 */
export function parseFlagChanges(
  flagSet: FlagSet,
  upserts: Record<string, unknown>,
  removed: readonly string[],
): FlagSet | undefined {
  const { evaluators, maxDepth, maxNodes, maxStringLength, maxArrayLength, maxBuckets } =
    flagSet.compileOptions;
  const parsed = parseFlagSet(
    { flags: upserts, $evaluators: evaluators, metadata: flagSet.metadata },
    { lenient: true, maxDepth, maxNodes, maxStringLength, maxArrayLength, maxBuckets },
  );
  if (!parsed.ok) return undefined;
  // A definition the lenient load drops must not leave the old one in place.
  return flagSet.withChanges(parsed.flagSet, [...removed, ...Object.keys(upserts)]);
}
