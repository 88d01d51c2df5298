import { LAUNCHED_AFTER_DAYS, type UsageReport, staleFlags } from '../staleness';
import { DEFAULT_USAGE_DAYS, MAX_USAGE_DAYS } from '../staleness/usage-report.types';
import { stringOption } from './args';
import { type SourceScan, scanCodeReferences } from './code-references';
import type { Command } from './command';
import { EndpointNotFoundError, describeRefusal } from './flags-client';
import { CommandError, EXIT_FAILURE, EXIT_OK, UsageError, printJson, printLines } from './output';
import { shown } from './printable';
import { REMOTE_HELP, REMOTE_OPTIONS, clientFromArgs } from './remote';
import { staleReportLines } from './stale-report';

const DEFAULT_DAYS = DEFAULT_USAGE_DAYS;
/** The launched rule looks at the last 7 days: a shorter window could not tell. */
const MIN_DAYS = LAUNCHED_AFTER_DAYS;
/** The application's limit. */
const MAX_DAYS = MAX_USAGE_DAYS;

function parseDays(text: string | undefined): number {
  if (text === undefined) return DEFAULT_DAYS;
  const days = Number(text);
  if (!/^\d+$/.test(text) || days < MIN_DAYS || days > MAX_DAYS) {
    throw new UsageError(
      shown`--days must be a whole number from ${MIN_DAYS} (the launched rule looks at the last ${MIN_DAYS} days) to ${MAX_DAYS}, got "${text}"`,
    );
  }
  return days;
}

/** Checks what the rules read, so an unexpected answer fails here with a clear message. */
function usageReportOf(body: Record<string, unknown>): UsageReport {
  const { generatedAt, since, days, flags } = body;
  const valid =
    typeof generatedAt === 'string' &&
    typeof since === 'string' &&
    typeof days === 'number' &&
    Array.isArray(flags) &&
    flags.every(
      (flag: unknown) =>
        flag !== null &&
        typeof flag === 'object' &&
        typeof (flag as { key?: unknown }).key === 'string',
    );
  if (!valid) {
    throw new CommandError(
      `the application answered GET usage with a body that is not a usage report (docs/protocol.md in the nestjs-hybrid-flags package); check that --url names the application's flag endpoints and that the application runs a nestjs-hybrid-flags version with usage reports`,
    );
  }
  return body as unknown as UsageReport;
}

/** `hybrid-flags stale`: which flags to clean up, and where code names them. @internal */
export const staleCommand: Command = {
  name: 'stale',
  summary:
    'list flags to clean up: expired, unused, launched, missing or (with --src) unreferenced',
  help: `Usage: hybrid-flags stale --url <url> --key <private.pem> --aud <audience> [--src <dir>]
                          [--days <n>] [--iss <issuer>] [--kid <kid>] [--json]

Reads the application's usage report (GET /usage) and lists each flag to act on, with why and
what to do:
  expired           metadata.expiresAt has passed
  unused            not evaluated for metadata.staleAfterDays days (default by metadata.type:
                    release and experiment 40, operational 7, permission never; 0: never)
  launched          a release or experiment flag served one variant to every evaluation of the
                    last 7 days, unchanged for 7 days: ready for removal
  missing           evaluated, or named in --src, but not in the store (a typo, or removed while in use)
  unreferenced      in the store, named nowhere in --src
  invalid-metadata  expiresAt or staleAfterDays cannot be read

With --src, the source is scanned for @FeatureFlag('key'), @FlagValue('key') and FlagService
calls with a literal key (isEnabled, getBoolean, getString, getNumber, getObject, evaluate; counted
in files that name FlagService), and each flag's file:line is printed. Keys the scan cannot read
(variables, evaluateAll()) are listed: a flag used only there shows as unreferenced wrongly.
Usage counts reach the store every flush interval (60 s by default) from each instance.

${REMOTE_HELP}
  --src <dir>     the application's source folder (node_modules, dist, .git, coverage skipped)
  --days <n>      the usage window in days, ${MIN_DAYS} to ${MAX_DAYS} (default ${DEFAULT_DAYS})

Exit codes: 0 nothing to act on, 1 flags to act on (or the application refused or cannot be
reached), 2 usage error. Use it in CI.

Example:
  hybrid-flags stale --src src --url http://localhost:3000/_flags --key keys/dev-private.pem \\
    --kid es256 --aud example-app
`,
  options: { ...REMOTE_OPTIONS, src: { type: 'string' }, days: { type: 'string' } },
  maxPositionals: 0,
  async run(args, io) {
    const days = parseDays(stringOption(args, 'days'));
    const dir = stringOption(args, 'src');
    // Scanned before any request: a wrong --src is a usage error, found without the network.
    let scan: (SourceScan & { dir: string }) | undefined;
    if (dir !== undefined) {
      scan = { dir, ...scanCodeReferences(io, dir) };
      if (scan.files === 0) {
        throw new UsageError(
          shown`--src ${dir} holds no JavaScript or TypeScript file; pass the folder of the application's source, e.g. --src src`,
        );
      }
    }
    const client = clientFromArgs(args, io);
    let answer;
    try {
      answer = await client.get(`usage?days=${days}`);
    } catch (error) {
      if (!(error instanceof EndpointNotFoundError)) throw error;
      throw new CommandError(
        `${error.message}; an application on a nestjs-hybrid-flags version without usage reports answers 404 too: upgrade it`,
      );
    }
    if (answer.status !== 200) {
      const hint =
        answer.status === 503
          ? "; the application's database does not answer: run this again once it is back"
          : '';
      throw new CommandError(`${describeRefusal(answer)}${hint}`);
    }
    const report = usageReportOf(answer.body);
    // The report's clock: its window and its unstored counts are the application's "today".
    const generated = Date.parse(report.generatedAt);
    const now = Number.isNaN(generated) ? new Date(io.nowSeconds() * 1000) : new Date(generated);
    const stale = staleFlags(report, now, scan?.references);

    if (args.values.json === true) {
      printJson(io, {
        generatedAt: report.generatedAt,
        since: report.since,
        days: report.days,
        flagsInStore: report.flags.filter((flag) => flag.inStore).length,
        stale,
        source:
          scan === undefined
            ? null
            : {
                dir: scan.dir,
                files: scan.files,
                references: scan.references.length,
                dynamic: scan.dynamic,
              },
      });
    } else {
      printLines(io, staleReportLines(report, stale, scan));
    }
    return stale.length === 0 ? EXIT_OK : EXIT_FAILURE;
  },
};
