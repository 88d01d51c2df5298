import { stringOption } from './args';
import type { Command } from './command';
import { describeRefusal } from './flags-client';
import {
  CommandError,
  EXIT_FAILURE,
  EXIT_OK,
  UsageError,
  printJson,
  printLines,
  printNotice,
} from './output';
import { shown } from './printable';
import { REMOTE_HELP, REMOTE_OPTIONS, clientFromArgs } from './remote';

interface Result {
  value: unknown;
  variant?: string;
  reason: string;
  errorCode?: string;
}

function parseContext(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  let context: unknown;
  try {
    context = JSON.parse(text);
  } catch (error) {
    // JSON.parse quotes the text around the error.
    throw new UsageError(shown`--context is not JSON (${(error as Error).message})`);
  }
  if (context === null || typeof context !== 'object' || Array.isArray(context)) {
    throw new UsageError(`--context must be a JSON object, e.g. '{"targetingKey":"user-1"}'`);
  }
  return context as Record<string, unknown>;
}

/** `hybrid-flags evaluate`: why does this context see that value? @internal */
export const evaluateCommand: Command = {
  name: 'evaluate',
  summary: 'evaluate flags for a context on a running application, with the reason',
  help: `Usage: hybrid-flags evaluate [<key>] --context <json> --url <url> --key <private.pem> --aud <audience>
                             [--iss <issuer>] [--kid <kid>] [--json]

Asks the answering instance of the application to evaluate one flag (or all of them) for a
context, from the snapshot it serves: the value, the variant and the reason.

${REMOTE_HELP}
  --context <json> the evaluation context, e.g. '{"targetingKey":"user-1","email":"a@b.c"}'

Example:
  hybrid-flags evaluate new-checkout --context '{"targetingKey":"user-1"}' \\
    --url http://localhost:3000/_flags --key keys/dev-private.pem --kid es256 --aud example-app
`,
  options: { ...REMOTE_OPTIONS, context: { type: 'string' } },
  maxPositionals: 1,
  async run(args, io) {
    const key = args.positionals[0];
    const context = parseContext(stringOption(args, 'context'));
    const answer = await clientFromArgs(args, io).post('evaluate', {
      context,
      ...(key === undefined ? {} : { flags: [key] }),
    });
    if (answer.status !== 200) throw new CommandError(describeRefusal(answer));
    const results = answer.body.results as Record<string, Result>;
    if (args.values.json === true) printJson(io, answer.body);
    else {
      printLines(
        io,
        // Every part is the application's answer; the value as JSON, whose escapes stay.
        Object.entries(results).map(
          ([name, result]) =>
            shown`${name} = ${JSON.stringify(result.value)} (variant ${result.variant ?? '-'}, reason ${result.reason}` +
            (result.errorCode ? shown`, ${result.errorCode})` : ')'),
        ),
      );
      printNotice(io, shown`revision ${answer.body.revision}`);
    }
    // A key the application does not know is most likely a typo: make scripts notice.
    return key !== undefined && results[key]?.errorCode === 'FLAG_NOT_FOUND'
      ? EXIT_FAILURE
      : EXIT_OK;
  },
};
