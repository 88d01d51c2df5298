import { FlagsConfigurationError } from './flags-configuration.error';

/**
 * A whole number of `unit` from `min` (1 unless given), or `fallback` when absent; `name` is the
 * option's path as the user writes it (`sync.pollIntervalMs`).
 * @internal
 */
export function wholeNumber(
  name: string,
  value: unknown,
  fallback: number,
  unit = 'milliseconds',
  min = 1,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    const range = min === 1 ? 'above 0' : `from ${min}`;
    throw new FlagsConfigurationError(
      `${name} must be a whole number of ${unit} ${range}, got ${String(value)}.`,
    );
  }
  return value;
}

/** The group `value` as an object, or `{}` when absent; refuses anything else. @internal */
export function optionGroup(
  name: string,
  value: unknown,
  example: string,
): Record<string, unknown> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new FlagsConfigurationError(`${name} is an object of options, e.g. ${example}.`);
  }
  return value as Record<string, unknown>;
}

/**
 * Refuses keys `group` does not have, naming the right place for a key that lives elsewhere (the
 * options of 0.1 were flat: `pollIntervalMs` is now `sync.pollIntervalMs`).
 * @internal
 */
export function knownKeys(
  name: string,
  group: object,
  known: readonly string[],
  moved: Readonly<Record<string, string>> = {},
): void {
  for (const key of Object.keys(group)) {
    if (known.includes(key)) continue;
    const path = name === '' ? key : `${name}.${key}`;
    const home = moved[key];
    throw new FlagsConfigurationError(
      home === undefined
        ? `unknown option ${path}; the options are ${known.join(', ')} (see the README).`
        : `${path} is now ${home} (see CHANGELOG.md).`,
    );
  }
}
