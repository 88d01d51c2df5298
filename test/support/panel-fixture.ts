import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FlagsClient, parseBaseUrl } from '../../lib/cli/flags-client';
import { processIo } from '../../lib/cli/io';
import { PanelBackend } from '../../lib/cli/panel/panel-backend';
import { type RunningPanel, startPanelServer } from '../../lib/cli/panel/panel-server';
import { signerFromArgs } from '../../lib/cli/signer';
import { PANEL_RETRY } from '../../lib/cli/ui.command';

const ROOT = join(__dirname, '..', '..');

/** A client of `url` signing with the example app's development key, as `hybrid-flags ui` does. */
export function devClient(url: string, sub = 'panel-user'): FlagsClient {
  const io = processIo();
  const signer = signerFromArgs(
    {
      values: {
        key: join(ROOT, 'example-app', 'keys', 'dev-private.pem'),
        kid: 'es256',
        aud: 'example-app',
        sub,
      },
      positionals: [],
    },
    io,
  );
  return new FlagsClient(parseBaseUrl(url), signer, io, PANEL_RETRY);
}

export interface PanelUnderTest {
  panel: RunningPanel;
  /** The flag file the panel keeps: a copy of the example app's. */
  file: string;
  readFile(): string;
  close(): Promise<void>;
}

/** `hybrid-flags ui` in this process, for the application at `url`, on a copy of its flag file. */
export async function startPanel(url: string): Promise<PanelUnderTest> {
  const dir = mkdtempSync(join(tmpdir(), 'panel-'));
  const file = join(dir, 'flags.json');
  copyFileSync(join(ROOT, 'example-app', 'flags.json'), file);
  const panel = await startPanelServer(new PanelBackend(devClient(url), file), 0);
  return {
    panel,
    file,
    readFile: () => readFileSync(file, 'utf8'),
    close: async () => {
      await panel.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
