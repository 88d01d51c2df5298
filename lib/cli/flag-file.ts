import { type ValidationError, parseFlagSet } from '../evaluation';
import type { FlagSetDocument } from '../core/flag-set-document';
import type { CliIo } from './io';
import { CommandError, UsageError } from './output';
import { shown } from './printable';

/**
 * One problem of a flag file as `validate` prints it: the path holds the flag's key, the message
 * may quote keys and variants, so both are escaped.
 * @internal
 */
export function problemLine(error: ValidationError): string {
  return shown`${error.path === '' ? '(document)' : error.path}: ${error.message}`;
}

/**
 * A flag file's text checked strictly, as the application checks every write: the document as
 * written (every top-level key kept), or each problem as `validate` prints it.
 * @internal
 */
export function parseFlagFile(
  text: string,
): { document: FlagSetDocument } | { problems: string[] } {
  const parsed = parseFlagSet(text);
  if (!parsed.ok) return { problems: parsed.errors.map(problemLine) };
  return { document: JSON.parse(text) as FlagSetDocument };
}

/**
 * Reads a flag file and checks it strictly, as the application checks every write: an invalid
 * file fails here, listing every problem, before anything is sent.
 * @internal
 */
export function readFlagDocument(io: CliIo, file: string): FlagSetDocument {
  let text: string;
  try {
    text = io.readFile(file).toString('utf8');
  } catch (error) {
    throw new UsageError(shown`cannot read ${file}: ${(error as Error).message}`);
  }
  const parsed = parseFlagFile(text);
  if ('problems' in parsed) {
    const header = shown`${file} is invalid; fix it (hybrid-flags validate ${file} lists the same problems):`;
    throw new CommandError([header, ...parsed.problems.map((line) => `  ${line}`)].join('\n'));
  }
  const { flags, $evaluators, metadata } = parsed.document;
  return {
    flags,
    ...($evaluators === undefined ? {} : { $evaluators }),
    ...(metadata === undefined ? {} : { metadata }),
  };
}
