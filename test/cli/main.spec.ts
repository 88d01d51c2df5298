import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../lib/cli/main';
import { captureIo } from './cli-io';

const ROOT = join(__dirname, '..', '..');

function run(args: string[], input = '') {
  return spawnSync(
    process.execPath,
    [require.resolve('ts-node/dist/bin.js'), '--transpile-only', 'lib/cli/main.ts', ...args],
    { cwd: ROOT, input, encoding: 'utf8' },
  );
}

describe('hybrid-flags entry point', () => {
  it('runs as a process: --help, validate exit codes and sign from stdin', () => {
    const help = run(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: hybrid-flags <command>');
    expect(help.stdout).toContain('hybrid-flags sign --key k.pem --aud my-app < body.json');

    const dir = mkdtempSync(join(tmpdir(), 'hybrid-flags-main-'));
    const file = join(dir, 'flags.json');
    writeFileSync(
      file,
      '{"flags":{"a":{"state":"ON","variants":{"on":true},"defaultVariant":"on"}}}',
    );
    const invalid = run(['validate', file]);
    expect(invalid.status).toBe(1);
    expect(invalid.stdout).toMatch(/^\/flags\/a\/state: /);
    expect(run(['validate', join(dir, 'missing.json')]).status).toBe(2);

    expect(run(['keygen', '--out', dir, '--name', 'k']).status).toBe(0);
    const signed = run(['sign', '--key', join(dir, 'k-private.pem'), '--aud', 'x'], 'body');
    expect(signed.status).toBe(0);
    expect(signed.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
  }, 60_000);

  it('prints help for each command and refuses unknown commands', async () => {
    for (const name of ['keygen', 'validate', 'sign']) {
      const io = captureIo();
      expect(await main([name, '--help'], io)).toBe(0);
      expect(io.out).toContain(`Usage: hybrid-flags ${name}`);
      const viaHelp = captureIo();
      expect(await main(['help', name], viaHelp)).toBe(0);
      expect(viaHelp.out).toBe(io.out);
    }
    const unknown = captureIo();
    expect(await main(['frob'], unknown)).toBe(2);
    expect(unknown.err).toContain('unknown command "frob"');
    const none = captureIo();
    expect(await main([], none)).toBe(2);
    expect(none.err).toContain('Usage: hybrid-flags <command>');
  });
});
