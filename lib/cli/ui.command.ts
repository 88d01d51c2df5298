import { spawn } from 'node:child_process';
import { userInfo } from 'node:os';
import { requiredOption, stringOption } from './args';
import type { Command } from './command';
import { FlagsClient, parseBaseUrl } from './flags-client';
import { CommandError, EXIT_OK, UsageError, printNotice, printText } from './output';
import { PanelBackend } from './panel/panel-backend';
import { startPanelServer } from './panel/panel-server';
import { shown } from './printable';
import { REMOTE_HELP, REMOTE_OPTIONS } from './remote';
import { signerFromArgs } from './signer';
import { readFlagDocument } from './flag-file';

/**
 * The panel asks while a person waits: an application that does not answer is shown at once.
 * @internal
 */
export const PANEL_RETRY = { attempts: 1, initialDelayMs: 0, maxDelayMs: 0, timeoutMs: 5_000 };

/** Opens `url` in the desktop's browser; where there is none, the printed address is enough. */
function openBrowser(url: string): void {
  const [program, ...args] =
    process.platform === 'darwin'
      ? ['open', url]
      : process.platform === 'win32'
        ? ['cmd', '/c', 'start', '', url]
        : ['xdg-open', url];
  try {
    const child = spawn(program, args, { detached: true, stdio: 'ignore' });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // No opener: the address is printed.
  }
}

/** The login name, or undefined where the system has none for this process (a bare container). */
function loginName(): string | undefined {
  try {
    return userInfo().username || undefined;
  } catch {
    return undefined;
  }
}

function portOption(value: string | undefined): number {
  if (value === undefined) return 0;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) {
    throw new UsageError(shown`--port must be a port number (0 for any free one), not ${value}`);
  }
  return port;
}

/** `hybrid-flags ui`: the control panel, served on loopback. @internal */
export const uiCommand: Command = {
  name: 'ui',
  summary: 'open a control panel in the browser: see, explain, switch and edit flags',
  help: `Usage: hybrid-flags ui --url <url> --key <private.pem> --aud <audience> [--file <flags.json>]
                       [--port <n>] [--no-open] [--iss <issuer>] [--kid <kid>] [--sub <who>]

Serves a control panel on 127.0.0.1 and opens it in the browser: every flag with its state,
variants, targeting as rules, rollouts, metadata, usage and clean-up verdicts; an explain form;
switches, default variants and rollout percentages to change; new flags and deletions. Each
change is a signed patch on the revision the panel shows; with --file it is written back to the
file too (2-space JSON), which stays editable while the application is down. Stop with Ctrl+C.

${REMOTE_HELP}
  --file <file>   the flag file kept as the source of truth
  --port <n>      the port to listen on (default 0: any free port)
  --no-open       print the address without opening a browser
  (--sub defaults to your login name: each change is written to the change log as yours)

The address printed holds a session token: only a browser given it can use the panel.
`,
  options: {
    ...REMOTE_OPTIONS,
    file: { type: 'string' },
    port: { type: 'string' },
    'no-open': { type: 'boolean' },
  },
  maxPositionals: 0,
  async run(args, io) {
    const base = parseBaseUrl(requiredOption(args, 'url'));
    const file = stringOption(args, 'file');
    if (file !== undefined) readFlagDocument(io, file);
    const port = portOption(stringOption(args, 'port'));
    // Every change made in the panel is someone's: the person at this terminal, unless named.
    const values = { ...args.values, sub: stringOption(args, 'sub') ?? loginName() };
    const signer = signerFromArgs({ ...args, values }, io);
    const client = new FlagsClient(base, signer, io, PANEL_RETRY);
    let panel;
    try {
      panel = await startPanelServer(new PanelBackend(client, file), port);
    } catch (error) {
      throw new CommandError(
        shown`cannot listen on 127.0.0.1:${port}: ${(error as Error).message}`,
      );
    }
    printText(io, `Control panel: ${panel.url}\n`);
    printNotice(io, 'Stop it with Ctrl+C.');
    if (args.values['no-open'] !== true) openBrowser(panel.url);
    await io.stopRequested();
    await panel.close();
    return EXIT_OK;
  },
};
