import { existsSync, readFileSync } from 'fs';
import { dirname, join, resolve } from 'path';
import { importsOf } from './import-rules';

/*
 * `@openfeature/server-sdk` is an optional peer dependency: only the `nestjs-hybrid-flags/openfeature`
 * entry point may load it, so an application without it can load the main entry.
 */

const LIB = join(__dirname, '..', '..', 'lib');

/** The file a relative import names, as TypeScript resolves it. */
function fileOf(from: string, specifier: string): string {
  const base = resolve(dirname(from), specifier);
  const candidate = [`${base}.ts`, join(base, 'index.ts')].find((path) => existsSync(path));
  if (candidate === undefined) throw new Error(`cannot resolve ${specifier} from ${from}`);
  return candidate;
}

/** Every package the files reachable from `entry` import, type-only imports included. */
function packagesReachedFrom(entry: string): Set<string> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const specifier of importsOf(readFileSync(file, 'utf8'))) {
      if (specifier.startsWith('.')) pending.push(fileOf(file, specifier));
      else packages.add(specifier);
    }
  }
  return packages;
}

const OPENFEATURE = /^@openfeature\//;

describe('optional peer dependencies', () => {
  it('the main entry imports no @openfeature package, not even for types', () => {
    const reached = [...packagesReachedFrom(join(LIB, 'index.ts'))];
    expect(reached).toContain('@nestjs/common');
    expect(reached.filter((name) => OPENFEATURE.test(name))).toEqual([]);
  });

  it('the main entry loads where @openfeature/server-sdk is not installed', () => {
    const missing = () => {
      throw new Error("Cannot find module '@openfeature/server-sdk'");
    };
    jest.isolateModules(() => {
      jest.doMock('@openfeature/server-sdk', missing);
      jest.doMock('@openfeature/core', missing);
      const main = require('../../lib') as typeof import('../../lib');
      expect(typeof main.FlagsModule).toBe('function');
      // The check is real: the OpenFeature entry does need it.
      expect(() => require('../../lib/openfeature')).toThrow(/Cannot find module/);
    });
  });

  it('the package maps ./openfeature to its own entry and keeps the main one', () => {
    const manifest = JSON.parse(readFileSync(join(LIB, '..', 'package.json'), 'utf8'));
    expect(manifest.main).toBe('dist/lib/index.js');
    expect(manifest.types).toBe('dist/lib/index.d.ts');
    expect(manifest.exports['.']).toEqual({
      types: './dist/lib/index.d.ts',
      default: './dist/lib/index.js',
    });
    expect(manifest.exports['./openfeature']).toEqual({
      types: './dist/lib/openfeature/index.d.ts',
      default: './dist/lib/openfeature/index.js',
    });
    expect(manifest.peerDependenciesMeta['@openfeature/server-sdk']).toEqual({ optional: true });
    expect(manifest.dependencies?.['@openfeature/server-sdk']).toBeUndefined();
  });
});
