import { parseFlagSet } from '../evaluation';
import type { FlagSetDocument } from '../sync/flag-set-document';
import type { CliIo } from './io';
import { CommandError, UsageError } from './output';

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
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
  }
  const parsed = parseFlagSet(text);
  if (!parsed.ok) {
    const problems = parsed.errors.map(
      (error) => `  ${error.path === '' ? '(document)' : error.path}: ${error.message}`,
    );
    throw new CommandError(
      `${file} is invalid; fix it (hybrid-flags validate ${file} lists the same problems):\n${problems.join('\n')}`,
    );
  }
  const { flags, $evaluators, metadata } = JSON.parse(text) as FlagSetDocument;
  return {
    flags,
    ...($evaluators === undefined ? {} : { $evaluators }),
    ...(metadata === undefined ? {} : { metadata }),
  };
}
