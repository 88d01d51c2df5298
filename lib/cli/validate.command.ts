import { parseFlagSet } from '../evaluation';
import type { Command } from './command';
import { problemLine } from './flag-file';
import { EXIT_FAILURE, EXIT_OK, UsageError, printJson, printLines, printNotice } from './output';
import { shown } from './printable';
import { counted } from '../core/counted';

/** `hybrid-flags validate`: checks a flagd flag file as the application would. @internal */
export const validateCommand: Command = {
  name: 'validate',
  summary: 'check a flagd flag file (strictly, as every write is checked)',
  help: `Usage: hybrid-flags validate <file> [--lenient] [--json]

Checks a flagd flag file with the same rules the application applies to every write.

  --lenient   load it as flagd does (broken flags load and evaluate to ERROR)
  --json      print the problems as a JSON array of { path, message } ([] when valid)

Exit codes: 0 valid, 1 invalid (every problem is printed as "<path>: <message>"),
2 usage error or unreadable file.
`,
  options: { lenient: { type: 'boolean' }, json: { type: 'boolean' } },
  maxPositionals: 1,
  async run(args, io) {
    const file = args.positionals[0];
    if (file === undefined) throw new UsageError('validate needs a <file>');
    let text: string;
    try {
      text = io.readFile(file).toString('utf8');
    } catch (error) {
      throw new UsageError(shown`cannot read ${file}: ${(error as Error).message}`);
    }
    const lenient = args.values.lenient === true;
    const json = args.values.json === true;
    const result = parseFlagSet(text, { lenient });
    if (result.ok) {
      const count = result.flagSet.size;
      if (json) printJson(io, []);
      else {
        printLines(io, [
          shown`${file}: valid, ${counted(count, 'flag')} (${lenient ? 'lenient' : 'strict'})`,
        ]);
      }
      return EXIT_OK;
    }
    if (json) {
      printJson(
        io,
        result.errors.map(({ path, message }) => ({ path, message })),
      );
    } else {
      printLines(io, result.errors.map(problemLine));
      const count = result.errors.length;
      printNotice(io, shown`${file}: invalid, ${counted(count, 'problem')}`);
    }
    return EXIT_FAILURE;
  },
};
