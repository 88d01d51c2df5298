import { type FlagSet, parseFlagSet } from '../evaluation';
import type { StoredDefinition, StoredFlagSet } from '../ports/flag-store';

function members(entries: StoredDefinition[]): string {
  return entries.map(({ key, definition }) => `${JSON.stringify(key)}:${definition}`).join(',');
}

function parsedMembers(entries: StoredDefinition[]): Record<string, unknown> {
  const parsed: Record<string, unknown> = {};
  for (const { key, definition } of entries) {
    try {
      parsed[key] = JSON.parse(definition);
    } catch {
      // A row that is not JSON becomes a flag that evaluates to PARSE_ERROR.
      parsed[key] = definition;
    }
  }
  return parsed;
}

/**
 * The flag set the store holds. Stored definitions were validated when written, so they load
 * leniently: fast, and one damaged row costs one flag (PARSE_ERROR), not the whole set.
 * @internal
 */
export function flagSetFromStore(stored: StoredFlagSet): FlagSet {
  const metadata = stored.metadata ?? '{}';
  const text = `{"flags":{${members(stored.flags)}},"$evaluators":{${members(stored.evaluators)}},"metadata":${metadata}}`;
  const whole = parseFlagSet(text, { lenient: true });
  if (whole.ok) return whole.flagSet;
  let parsedMetadata: unknown;
  try {
    parsedMetadata = JSON.parse(metadata);
  } catch {
    parsedMetadata = undefined;
  }
  const document = {
    flags: parsedMembers(stored.flags),
    $evaluators: parsedMembers(stored.evaluators),
    ...(parsedMetadata !== null && typeof parsedMetadata === 'object'
      ? { metadata: parsedMetadata }
      : {}),
  };
  const parts = parseFlagSet(document, { lenient: true });
  if (!parts.ok) {
    throw new Error(
      `The stored flags cannot be read: ${parts.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
    );
  }
  return parts.flagSet;
}
