import type { OptionSpec, ParsedArgs } from './args';
import type { CliIo } from './io';

/** One sub-command of `hybrid-flags`. @internal */
export interface Command {
  name: string;
  /** One line for the general help. */
  summary: string;
  /** The command's own `--help`. */
  help: string;
  options: OptionSpec;
  maxPositionals: number;
  /** Returns the exit code; throws UsageError (2) or CommandError (1). */
  run(args: ParsedArgs, io: CliIo): Promise<number>;
}
