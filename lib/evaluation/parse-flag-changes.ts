import type { FlagSet } from './flag-set';
import { parseFlagSet } from './parse-flag-set';

/**
 * Applies changed flag definitions to a flag set without parsing the rest again: the changed
 * flags are parsed leniently with the set's own evaluators and metadata. Never throws.
 * @example const next = parseFlagChanges(current, { beta: definition }, ['old-flag']);
 * @internal
 */
export function parseFlagChanges(
  flagSet: FlagSet,
  upserts: Record<string, unknown>,
  removed: readonly string[],
): FlagSet | undefined {
  const parsed = parseFlagSet(
    { flags: upserts, $evaluators: flagSet.compileOptions.evaluators, metadata: flagSet.metadata },
    { lenient: true },
  );
  if (!parsed.ok) return undefined;
  // A definition the lenient load drops must not leave the old one in place.
  return flagSet.withChanges(parsed.flagSet, [...removed, ...Object.keys(upserts)]);
}
