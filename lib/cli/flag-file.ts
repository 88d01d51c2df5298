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
  const parsed = parseFlagSet(text);
  if (!parsed.ok) {
    const header = shown`${file} is invalid; fix it (hybrid-flags validate ${file} lists the same problems):`;
    const problems = parsed.errors.map((error) => `  ${problemLine(error)}`);
    throw new CommandError([header, ...problems].join('\n'));
  }
  const { flags, $evaluators, metadata } = JSON.parse(text) as FlagSetDocument;
  return {
    flags,
    ...($evaluators === undefined ? {} : { $evaluators }),
    ...(metadata === undefined ? {} : { metadata }),
  };
}
