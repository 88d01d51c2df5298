import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../lib/cli/main';
import { captureIo } from './cli-io';

const dir = mkdtempSync(join(tmpdir(), 'hybrid-flags-validate-'));

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const flag = { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'off' };
const valid = file('valid.json', { flags: { a: flag, b: { ...flag, state: 'DISABLED' } } });
const invalid = file('invalid.json', {
  flags: {
    a: { ...flag, state: 'ON' },
    b: { ...flag, defaultVariant: 'of' },
    c: { ...flag, colour: 'red' },
  },
});

describe('hybrid-flags validate', () => {
  it('exits 0 with a one-line summary for a valid file', async () => {
    const io = captureIo();
    expect(await main(['validate', valid], io)).toBe(0);
    expect(io.out).toBe(`${valid}: valid, 2 flags (strict)\n`);
    expect(io.err).toBe('');
  });

  it('exits 1 and prints every error as "<path>: <message>"', async () => {
    const io = captureIo();
    expect(await main(['validate', invalid], io)).toBe(1);
    const lines = io.out.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^\/flags\/a\/state: /);
    expect(lines[1]).toMatch(/^\/flags\/b\/defaultVariant: unknown variant "of"/);
    expect(lines[2]).toMatch(/^\/flags\/c\/colour: /);
    expect(io.err).toBe(`${invalid}: invalid, 3 problems\n`);
  });

  it('prints the errors as a JSON array with --json', async () => {
    const io = captureIo();
    expect(await main(['validate', invalid, '--json'], io)).toBe(1);
    const errors = JSON.parse(io.out) as { path: string; message: string }[];
    expect(errors.map((error) => error.path)).toEqual([
      '/flags/a/state',
      '/flags/b/defaultVariant',
      '/flags/c/colour',
    ]);
    const ok = captureIo();
    expect(await main(['validate', '--json', valid], ok)).toBe(0);
    expect(JSON.parse(ok.out)).toEqual([]);
  });

  it('--lenient loads what flagd would load', async () => {
    const io = captureIo();
    expect(await main(['validate', invalid, '--lenient'], io)).toBe(0);
    expect(io.out).toBe(`${invalid}: valid, 3 flags (lenient)\n`);
  });

  it('reports a file that is not JSON as an error of the document', async () => {
    const io = captureIo();
    expect(await main(['validate', file('broken.json', '{ nope')], io)).toBe(1);
    expect(io.out).toMatch(/^\(document\): the document is not valid JSON/);
  });

  it('exits 2 for a missing file or a usage error', async () => {
    const missing = captureIo();
    expect(await main(['validate', join(dir, 'missing.json')], missing)).toBe(2);
    expect(missing.err).toMatch(/cannot read .*missing\.json: ENOENT/);
    expect(await main(['validate'], captureIo())).toBe(2);
    expect(await main(['validate', valid, valid], captureIo())).toBe(2);
    expect(await main(['validate', valid, '--strict'], captureIo())).toBe(2);
  });
});
