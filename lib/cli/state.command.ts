import { flagSetChecksum } from '../core/flag-set-checksum';
import { stringOption } from './args';
import type { Command } from './command';
import { readFlagDocument } from './flag-file';
import { describeRefusal } from './flags-client';
import { CommandError, EXIT_FAILURE, EXIT_OK, printJson, printLines } from './output';
import { printable, shown } from './printable';
import { REMOTE_HELP, REMOTE_OPTIONS, clientFromArgs } from './remote';
import { counted } from '../core/counted';

interface Holding {
  revision: number;
  checksum: string;
  flagCount: number;
  updatedAt?: string | null;
  loadedAt?: string;
  source?: string;
}

/** Every field is the application's answer, so each is escaped. */
function describe(name: string, holding: Holding | null): string {
  if (holding === null) return `${name}: unavailable (the database did not answer)`;
  const when = holding.updatedAt ?? holding.loadedAt;
  return (
    shown`${name}: revision ${holding.revision}, ${counted(holding.flagCount, 'flag')}, ` +
    shown`checksum ${holding.checksum || '(none)'}` +
    (holding.source === undefined ? '' : shown`, from ${holding.source}`) +
    (when ? shown`, ${holding.updatedAt === undefined ? 'loaded' : 'updated'} ${when}` : '')
  );
}

/** `hybrid-flags state`: what an application holds, and whether it matches a file. @internal */
export const stateCommand: Command = {
  name: 'state',
  summary: "show an application's revision and checksum; --expect detects drift",
  help: `Usage: hybrid-flags state --url <url> --key <private.pem> --aud <audience> [--expect <file>]
                          [--iss <issuer>] [--kid <kid>] [--json]

Prints the revision, flag count and checksum of the application's store, and of the snapshot
the answering instance serves. With --expect, compares both checksums with the file's.

${REMOTE_HELP}
  --expect <file> the flag file the application should hold

Exit codes: 0 (with --expect: both hold the file), 1 drift or refused, 2 usage error.
`,
  options: { ...REMOTE_OPTIONS, expect: { type: 'string' } },
  maxPositionals: 0,
  async run(args, io) {
    const expectFile = stringOption(args, 'expect');
    const document = expectFile === undefined ? undefined : readFlagDocument(io, expectFile);
    const answer = await clientFromArgs(args, io).get('state');
    if (answer.status !== 200) throw new CommandError(describeRefusal(answer));
    const store = (answer.body.store ?? null) as Holding | null;
    const instance = answer.body.instance as Holding;
    const expected =
      document === undefined
        ? undefined
        : flagSetChecksum(document.flags, document.$evaluators ?? {});
    const drift =
      expected === undefined
        ? []
        : [
            ...(store?.checksum === expected ? [] : ['store']),
            ...(instance.checksum === expected ? [] : ['instance']),
          ];

    if (args.values.json === true) {
      printJson(io, {
        ...answer.body,
        ...(expected === undefined
          ? {}
          : { expected: { file: expectFile, checksum: expected }, drift }),
      });
    } else {
      const lines = [describe('store', store), describe('instance', instance)];
      if (expected !== undefined) {
        const file = printable(expectFile ?? '');
        lines.push(
          drift.length === 0
            ? `both hold ${file} (checksum ${expected})`
            : `DRIFT: the ${drift.join(' and the ')} ${drift.length === 1 ? 'does' : 'do'} not hold ${file} (checksum ${expected}); run hybrid-flags push ${file} to fix it`,
        );
      }
      printLines(io, lines);
    }
    return drift.length === 0 ? EXIT_OK : EXIT_FAILURE;
  },
};
