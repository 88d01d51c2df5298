import type { CliIo } from './io';

/** Exit codes of every command. @internal */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** The command line is wrong, or an input cannot be read: exit 2. @internal */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The command ran and refused: exit 1 with this message. @internal */
export class CommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommandError';
  }
}

/** Writes lines to standard output. @internal */
export function printLines(io: CliIo, lines: readonly string[]): void {
  if (lines.length > 0) io.stdout(`${lines.join('\n')}\n`);
}

/** Writes a value as pretty JSON to standard output. @internal */
export function printJson(io: CliIo, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}

/** Writes an error message to standard error. @internal */
export function printError(io: CliIo, message: string): void {
  io.stderr(`hybrid-flags: ${message}\n`);
}
