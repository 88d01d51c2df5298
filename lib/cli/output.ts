import type { CliIo } from './io';
import { printableJson, printableText } from './printable';

/*
 * The only place the CLI writes output. Human-readable text is escaped as a whole (its own line
 * breaks kept), so no value that reaches it unescaped can drive the terminal; messages still
 * escape each value they interpolate (with `shown`), so a newline in a value cannot fake a line.
 */

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

/** Writes text as it is, but for its unprintable characters, to standard output (or error). @internal */
export function printText(io: CliIo, text: string, stream: 'stdout' | 'stderr' = 'stdout'): void {
  io[stream](printableText(text));
}

/** Writes lines to standard output. @internal */
export function printLines(io: CliIo, lines: readonly string[]): void {
  if (lines.length > 0) printText(io, `${lines.join('\n')}\n`);
}

/** Writes one line to standard error: progress, or a summary besides the output. @internal */
export function printNotice(io: CliIo, line: string): void {
  printText(io, `${line}\n`, 'stderr');
}

/** Writes a value as pretty JSON to standard output, unprintable characters escaped. @internal */
export function printJson(io: CliIo, value: unknown): void {
  io.stdout(`${printableJson(value)}\n`);
}

/** Writes an error message to standard error. @internal */
export function printError(io: CliIo, message: string): void {
  printText(io, `hybrid-flags: ${message}\n`, 'stderr');
}
