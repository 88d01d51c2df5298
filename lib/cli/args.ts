import { parseArgs } from 'node:util';
import { UsageError } from './output';
import { printable, shown } from './printable';

/** How a command's options are declared (a subset of `parseArgs`'s). @internal */
export type OptionSpec = Record<string, { type: 'string' | 'boolean' }>;

/** A command's arguments after parsing. @internal */
export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/**
 * Parses a command's arguments strictly: an unknown option, a missing value or a stray positional
 * is a usage error (exit 2), never ignored.
 * @internal
 */
export function parseCommandArgs(
  argv: readonly string[],
  options: OptionSpec,
  maxPositionals = 0,
): ParsedArgs {
  let parsed: ParsedArgs;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    }) as ParsedArgs;
  } catch (error) {
    // Node's message quotes the offending argument as typed.
    throw new UsageError(printable((error as Error).message));
  }
  if (parsed.positionals.length > maxPositionals) {
    throw new UsageError(shown`unexpected argument "${parsed.positionals[maxPositionals]}"`);
  }
  return parsed;
}

/** An option's string value, or undefined. @internal */
export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') {
    throw new UsageError(`--${name} needs a value`);
  }
  return value;
}

/** A required option's string value. @internal */
export function requiredOption(args: ParsedArgs, name: string): string {
  const value = stringOption(args, name);
  if (value === undefined) throw new UsageError(`--${name} is required`);
  return value;
}
