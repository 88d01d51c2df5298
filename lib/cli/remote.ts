import { type OptionSpec, type ParsedArgs, requiredOption } from './args';
import { FlagsClient, parseBaseUrl } from './flags-client';
import type { CliIo } from './io';
import { printNotice } from './output';
import { SIGNING_HELP, SIGNING_OPTIONS, signerFromArgs } from './signer';

/** The options of every command that talks to an application. @internal */
export const REMOTE_OPTIONS: OptionSpec = {
  url: { type: 'string' },
  ...SIGNING_OPTIONS,
  json: { type: 'boolean' },
};

/** Their help lines. @internal */
export const REMOTE_HELP = `  --url <url>     the application's signed endpoints, e.g. https://shop.example.com/_flags
${SIGNING_HELP}
  --json          print the result as JSON (progress still goes to stderr)`;

/** A client for the application the options name; progress lines go to stderr. @internal */
export function clientFromArgs(args: ParsedArgs, io: CliIo): FlagsClient {
  const base = parseBaseUrl(requiredOption(args, 'url'));
  const signer = signerFromArgs(args, io);
  return new FlagsClient(base, signer, io, undefined, (message) => printNotice(io, message));
}
