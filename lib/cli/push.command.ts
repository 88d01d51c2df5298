import { flagSetChecksum } from '../core/flag-set-checksum';
import type { FlagSetDocument } from '../core/flag-set-document';
import type { Command } from './command';
import { readFlagDocument } from './flag-file';
import { type Answer, type FlagsClient, describeRefusal } from './flags-client';
import { CommandError, EXIT_OK, UsageError, printJson, printLines, printNotice } from './output';
import { printable, shown } from './printable';
import { type PushPlan, type StoredDocument, planPush, snapshotBody } from './push-plan';
import { REMOTE_HELP, REMOTE_OPTIONS, clientFromArgs } from './remote';
import { counted } from '../core/counted';

/** Rounds of read-plan-send before giving up on a store other writers keep moving. */
const MAX_ROUNDS = 5;

/** What a push did, as `--json` prints it. */
interface PushResult {
  status: 'applied' | 'unchanged' | 'planned';
  delivery?: 'patch' | 'snapshot';
  previousRevision: number;
  revision: number;
  changed: string[];
  checksum: string;
}

async function readStored(client: FlagsClient): Promise<StoredDocument> {
  const answer = await client.get('definitions');
  if (answer.status !== 200) throw new CommandError(describeRefusal(answer));
  return answer.body as unknown as StoredDocument;
}

const applied = (answer: Answer) => answer.status === 200 && answer.body.status === 'applied';

function refuse(answer: Answer): never {
  throw new CommandError(describeRefusal(answer));
}

/**
 * Sends the plan; on a conflict (another writer moved the base), the whole file as a snapshot on
 * the revision the application reports. Returns the applied answer, or undefined when another
 * writer took the revision first and the caller should read the state again.
 */
async function deliver(
  client: FlagsClient,
  plan: Exclude<PushPlan, { kind: 'none' }>,
  document: FlagSetDocument,
  progress: (line: string) => void,
): Promise<{ answer: Answer; kind: 'patch' | 'snapshot' } | undefined> {
  const answer = await client.post('deliveries', plan.body);
  if (applied(answer)) return { answer, kind: plan.kind };
  if (answer.status === 200) return undefined;
  if (answer.status !== 409 || typeof answer.body.currentRevision !== 'number') refuse(answer);
  const revision = answer.body.currentRevision + 1;
  progress(
    shown`the application moved to revision ${answer.body.currentRevision}; sending a snapshot`,
  );
  const fallback = await client.post('deliveries', snapshotBody(document, revision));
  if (applied(fallback)) return { answer: fallback, kind: 'snapshot' };
  if (fallback.status === 200 || fallback.status === 409) return undefined;
  refuse(fallback);
}

/** `hybrid-flags push`: makes an application hold exactly the flags of a file. @internal */
export const pushCommand: Command = {
  name: 'push',
  summary: "make an application's flags equal a flag file (patch or snapshot)",
  help: `Usage: hybrid-flags push <file> --url <url> --key <private.pem> --aud <audience>
                         [--iss <issuer>] [--sub <who>] [--kid <kid>] [--snapshot] [--dry-run] [--json]

Validates the file, reads what the application holds, and sends the differences as a patch on
its current revision (or the whole file as a snapshot when that is smaller, when the metadata
differs, or with --snapshot). When another writer moved the revision in between, it sends a
snapshot instead. Every request carries a fresh token; while the application answers 503 or
cannot be reached, it retries with a growing delay. Finally it checks that the application's
checksum equals the file's.

${REMOTE_HELP}
  --snapshot      send the whole file rather than a patch of the differences
  --dry-run       print what would be sent, send nothing

Exit codes: 0 applied or already up to date, 1 refused (the application's reason is printed) or
invalid file, 2 usage error.

Example:
  hybrid-flags push flags.json --url http://localhost:3000/_flags \\
    --key keys/dev-private.pem --kid es256 --aud example-app --sub "$USER"
`,
  options: {
    ...REMOTE_OPTIONS,
    snapshot: { type: 'boolean' },
    'dry-run': { type: 'boolean' },
  },
  maxPositionals: 1,
  async run(args, io) {
    const file = args.positionals[0];
    if (file === undefined) throw new UsageError('push needs a <file>');
    const document = readFlagDocument(io, file);
    const client = clientFromArgs(args, io);
    const json = args.values.json === true;
    const progress = (line: string) => printNotice(io, line);
    const checksum = flagSetChecksum(document.flags, document.$evaluators ?? {});

    let result: PushResult | undefined;
    for (let round = 1; result === undefined; round++) {
      if (round > MAX_ROUNDS) {
        throw new CommandError(
          `other writers changed the flags ${MAX_ROUNDS} times while pushing; push again later`,
        );
      }
      const current = await readStored(client);
      const plan = planPush(current, document, { snapshot: args.values.snapshot === true });
      const base = { previousRevision: current.revision, checksum };
      if (plan.kind === 'none') {
        result = { ...base, status: 'unchanged', revision: current.revision, changed: [] };
      } else if (args.values['dry-run'] === true) {
        if (json) printJson(io, { ...base, status: 'planned', delivery: plan.body });
        else printJson(io, plan.body);
        return EXIT_OK;
      } else {
        const sent = await deliver(client, plan, document, progress);
        if (sent === undefined) {
          progress('another writer changed the flags meanwhile; reading them again');
          continue;
        }
        result = {
          ...base,
          status: 'applied',
          delivery: sent.kind,
          revision: sent.answer.body.revision as number,
          changed: sent.answer.body.changed as string[],
        };
      }
    }

    const state = await client.get('state');
    const store = state.body.store as { revision: number; checksum: string } | null;
    if (
      state.status === 200 &&
      store?.revision === result.revision &&
      store.checksum !== checksum
    ) {
      throw new CommandError(
        shown`the application reports checksum ${store.checksum} at revision ${result.revision}, not the file's ${checksum}; compare with hybrid-flags state --expect ${file}`,
      );
    }
    if (json) printJson(io, result);
    else if (result.status === 'unchanged') {
      printLines(io, [
        shown`${file}: the application already holds it (revision ${result.revision})`,
      ]);
    } else {
      const count = result.changed.length;
      // The keys are the application's answer: each escaped, so none can pass for a separator.
      const changed = count > 0 ? `: ${result.changed.map(printable).join(', ')}` : '';
      printLines(io, [
        shown`${file}: applied as revision ${result.revision} (${result.delivery} on revision ${result.previousRevision}), ${counted(count, 'change')}` +
          changed,
        `checksum ${checksum}`,
      ]);
    }
    return EXIT_OK;
  },
};
