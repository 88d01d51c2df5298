import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type FlagSet, parseFlagSet } from '../evaluation';
import { FlagsConfigurationError } from './flags-configuration.error';
import type { FlagSetDocument } from './flag-set-document';

/**
 * Reads and strictly validates a flag file (or an inline document) named by a module option.
 * A mistake there is a configuration error at startup, with every problem listed.
 * @internal
 */
export function readFlagFile(
  option: 'bootstrap' | 'seed',
  source: string | FlagSetDocument,
): { document: FlagSetDocument; flagSet: FlagSet } {
  let input: string | FlagSetDocument = source;
  if (typeof source === 'string') {
    try {
      input = readFileSync(resolve(source), 'utf8');
    } catch (error) {
      throw new FlagsConfigurationError(
        `cannot read the ${option} file ${resolve(source)} (${(error as Error).message}); fix the path or remove the option.`,
      );
    }
  }
  const parsed = parseFlagSet(input);
  if (!parsed.ok) {
    const problems = parsed.errors
      .map((error) => `  ${error.path || '/'}: ${error.message}`)
      .join('\n');
    throw new FlagsConfigurationError(`the ${option} flags are invalid:\n${problems}`);
  }
  const document = (typeof input === 'string' ? JSON.parse(input) : input) as FlagSetDocument;
  return { document, flagSet: parsed.flagSet };
}
