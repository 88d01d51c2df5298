import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/*
 * OpenFeature's docs recommend `await setProviderAndWait(provider)`. Awaited before the Nest
 * application exists, it waits for a FlagsModule that cannot start: the process must end with a
 * message saying what to do, not exit silently (Node's exit code 13 for a pending top-level await).
 */
describe('OpenFeature.setProviderAndWait before the application is created', () => {
  const script = (body: string) =>
    spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', body], {
      cwd: join(__dirname, '../..'),
      encoding: 'utf8',
      timeout: 60_000,
    });

  it('fails at once with a message naming setProvider instead of exiting without a word', () => {
    const run = script(`
      const { OpenFeature } = require('@openfeature/server-sdk');
      const { HybridFlagsProvider } = require('./lib/openfeature');
      OpenFeature.setProviderAndWait(new HybridFlagsProvider()).then(
        () => console.log('resolved unbound'),
        (error) => { console.error(error.message); process.exitCode = 3; },
      );
    `);
    expect(run.stdout).not.toContain('resolved unbound');
    expect(run.status).toBe(3);
    expect(run.stderr).toMatch(/no FlagsModule has bound this provider/);
    expect(run.stderr).toMatch(/OpenFeature\.setProvider\(provider\)/);
  });

  it('resolves once a module binds it, without the exit check getting in the way', () => {
    const run = script(`
      const { OpenFeature } = require('@openfeature/server-sdk');
      const { HybridFlagsProvider } = require('./lib/openfeature');
      const provider = new HybridFlagsProvider();
      OpenFeature.setProviderAndWait(provider).then(
        () => console.log('ready', process.listenerCount('beforeExit')),
        (error) => { console.error(error.message); process.exitCode = 3; },
      );
      // What FlagsModule does when it starts: bind a source whose startup load has finished.
      setTimeout(() => provider.bind({
        started: Promise.resolve(),
        subscribe: () => () => undefined,
      }), 50);
    `);
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('ready 0');
    expect(run.status).toBe(0);
  });
});
