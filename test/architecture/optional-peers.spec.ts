import { existsSync, readFileSync } from 'fs';
import { dirname, join, relative, resolve } from 'path';
import { importsOf } from './import-rules';

/*
 * `@openfeature/server-sdk` is an optional peer dependency: only the `nestjs-hybrid-flags/openfeature`
 * entry point may load it, so an application without it can load the main entry.
 *
 * `prom-client` is one too, used by the main entry: it is `require`d lazily, in one function of
 * one file, when the module starts with metrics on, and never imported, not even for its types.
 * So is `@nestjs/event-emitter`, required only when `emitEvaluationEvents` asks for it.
 */

const LIB = join(__dirname, '..', '..', 'lib');

/** The file a relative import names, as TypeScript resolves it. */
function fileOf(from: string, specifier: string): string {
  const base = resolve(dirname(from), specifier);
  const candidate = [`${base}.ts`, join(base, 'index.ts')].find((path) => existsSync(path));
  if (candidate === undefined) throw new Error(`cannot resolve ${specifier} from ${from}`);
  return candidate;
}

/** The files reachable from `entry` through relative imports, `entry` included. */
function filesReachedFrom(entry: string): Set<string> {
  const seen = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const specifier of importsOf(readFileSync(file, 'utf8'))) {
      if (specifier.startsWith('.')) pending.push(fileOf(file, specifier));
    }
  }
  return seen;
}

/** Every package the files reachable from `entry` import, type-only imports included. */
function packagesReachedFrom(entry: string): Set<string> {
  const packages = new Set<string>();
  for (const file of filesReachedFrom(entry)) {
    for (const specifier of importsOf(readFileSync(file, 'utf8'))) {
      if (!specifier.startsWith('.')) packages.add(specifier);
    }
  }
  return packages;
}

/** Where the files reachable from `entry` name `prom-client`: in an import, or in a require. */
function promClientSites(entry: string): { imports: string[]; requires: string[] } {
  const imports: string[] = [];
  const requires: string[] = [];
  for (const file of filesReachedFrom(entry)) {
    const source = readFileSync(file, 'utf8');
    const name = relative(LIB, file);
    const loads = importsOf(source).filter((specifier) => specifier === 'prom-client').length;
    const required = source.match(/require\s*\(\s*['"]prom-client['"]\s*\)/g)?.length ?? 0;
    for (let i = 0; i < required; i++) requires.push(name);
    for (let i = required; i < loads; i++) imports.push(name);
  }
  return { imports, requires };
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

  it('the main entry never imports prom-client: one lazy require loads it', () => {
    const { imports, requires } = promClientSites(join(LIB, 'index.ts'));
    expect(imports).toEqual([]);
    expect(requires).toEqual([join('metrics', 'load-prom-client.ts')]);
    // Lazy: inside the loader function, not run when the file is loaded.
    const loader = readFileSync(join(LIB, 'metrics', 'load-prom-client.ts'), 'utf8');
    expect(loader).toMatch(/=> \{\n  try \{\n    return require\('prom-client'\)/);
  });

  it('the main entry loads, and FlagsModule starts without metrics, where prom-client is not installed', async () => {
    await jest.isolateModulesAsync(async () => {
      jest.doMock('prom-client', () => {
        throw Object.assign(new Error("Cannot find module 'prom-client' from 'lib/metrics'"), {
          code: 'MODULE_NOT_FOUND',
        });
      });
      const main = require('../../lib') as typeof import('../../lib');
      const { Test } = require('@nestjs/testing') as typeof import('@nestjs/testing');
      const { FlagsMetrics } =
        require('../../lib/metrics/flags-metrics') as typeof import('../../lib/metrics/flags-metrics');
      const moduleRef = await Test.createTestingModule({
        imports: [main.FlagsModule.forRoot({ store: new main.InMemoryFlagStore() })],
      }).compile();
      const app = await moduleRef.createNestApplication({ logger: false }).init();
      expect(app.get(main.FlagService).status().source).toBe('store');
      expect(app.get(FlagsMetrics).active).toBe(false);
      await app.close();
      // The check is real: prom-client is what the mock hides.
      expect(() => require('prom-client')).toThrow(/Cannot find module/);
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

  it('the main entry never imports @nestjs/event-emitter: emitEvaluationEvents requires it', () => {
    const importing = [...filesReachedFrom(join(LIB, 'index.ts'))].filter((file) =>
      /(from|import\()\s*['"]@nestjs\/event-emitter['"]/.test(readFileSync(file, 'utf8')),
    );
    expect(importing).toEqual([]);
    const events = readFileSync(join(LIB, 'core', 'evaluation-events.ts'), 'utf8');
    expect(events).toMatch(/require\('@nestjs\/event-emitter'\)/);
    const manifest = JSON.parse(readFileSync(join(LIB, '..', 'package.json'), 'utf8'));
    expect(manifest.peerDependenciesMeta['@nestjs/event-emitter']).toEqual({ optional: true });
    expect(manifest.dependencies?.['@nestjs/event-emitter']).toBeUndefined();
  });

  it('the package lists prom-client as an optional peer, never as a dependency', () => {
    const manifest = JSON.parse(readFileSync(join(LIB, '..', 'package.json'), 'utf8'));
    expect(manifest.peerDependencies['prom-client']).toMatch(/^\^15\./);
    expect(manifest.peerDependenciesMeta['prom-client']).toEqual({ optional: true });
    expect(manifest.dependencies?.['prom-client']).toBeUndefined();
    expect(manifest.devDependencies['prom-client']).toBeDefined();
  });

  it('the main entry never imports ioredis: sync.redis requires it, and says so when it is missing', async () => {
    const importing = [...filesReachedFrom(join(LIB, 'index.ts'))].filter((file) =>
      /(from|import\()\s*['"]ioredis['"]/.test(readFileSync(file, 'utf8')),
    );
    expect(importing).toEqual([]);
    const loader = readFileSync(join(LIB, 'sync', 'load-ioredis.ts'), 'utf8');
    expect(loader).toMatch(/=> \{\n  try \{\n    const loaded = require\('ioredis'\)/);
    const manifest = JSON.parse(readFileSync(join(LIB, '..', 'package.json'), 'utf8'));
    expect(manifest.peerDependenciesMeta.ioredis).toEqual({ optional: true });
    expect(manifest.dependencies?.ioredis).toBeUndefined();

    await jest.isolateModulesAsync(async () => {
      jest.doMock('ioredis', () => {
        throw Object.assign(new Error("Cannot find module 'ioredis' from 'lib/sync'"), {
          code: 'MODULE_NOT_FOUND',
        });
      });
      const main = require('../../lib') as typeof import('../../lib');
      const { Test } = require('@nestjs/testing') as typeof import('@nestjs/testing');
      const moduleRef = Test.createTestingModule({
        imports: [
          main.FlagsModule.forRoot({
            store: new main.InMemoryFlagStore(),
            sync: { redis: { url: 'redis://127.0.0.1:6379' } },
          }),
        ],
      });
      const started = moduleRef
        .compile()
        .then((compiled) => compiled.createNestApplication({ logger: false }).init());
      await expect(started).rejects.toThrow(
        /sync\.redis needs the ioredis package: npm install ioredis/,
      );
    });
  });
});
