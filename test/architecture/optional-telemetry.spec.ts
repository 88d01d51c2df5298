import { readFileSync } from 'fs';
import { join, relative } from 'path';
import { importsOf, sourceFiles } from './import-rules';

/*
 * `@opentelemetry/api` is an optional peer dependency, used by the main entry: it is `require`d
 * lazily, in one function of one file, when the module starts with telemetry on, and never
 * imported, not even for its types. Where it is not installed the module starts without
 * telemetry, unless `telemetry: { … }` asked for it.
 */

const LIB = join(__dirname, '..', '..', 'lib');
const OTEL = /^@opentelemetry\//;

function notInstalled(): never {
  throw Object.assign(
    new Error("Cannot find module '@opentelemetry/api' from 'lib/telemetry/load-otel-api.ts'"),
    { code: 'MODULE_NOT_FOUND' },
  );
}

describe('@opentelemetry/api, an optional peer', () => {
  it('is never imported by the library: one lazy require loads it', () => {
    const files = sourceFiles(LIB).filter((file) => !file.endsWith('.spec.ts'));
    const imports: string[] = [];
    const requires: string[] = [];
    for (const file of files) {
      const source = readFileSync(file, 'utf8');
      // importsOf lists requires too: imports are what is left once they are taken away.
      const loads = importsOf(source).filter((specifier) => OTEL.test(specifier)).length;
      const required = source.match(/require\s*\(\s*['"]@opentelemetry\//g)?.length ?? 0;
      for (let i = 0; i < required; i++) requires.push(relative(LIB, file));
      for (let i = required; i < loads; i++) imports.push(relative(LIB, file));
    }
    expect(imports).toEqual([]);
    expect(requires).toEqual([join('telemetry', 'load-otel-api.ts')]);
    const loader = readFileSync(join(LIB, 'telemetry', 'load-otel-api.ts'), 'utf8');
    expect(loader).toMatch(/=> \{\n  try \{\n    return require\('@opentelemetry\/api'\)/);
  });

  it('is listed as an optional peer, and never as a dependency', () => {
    const manifest = JSON.parse(readFileSync(join(LIB, '..', 'package.json'), 'utf8'));
    expect(manifest.peerDependencies['@opentelemetry/api']).toMatch(/^\^1\./);
    expect(manifest.peerDependenciesMeta['@opentelemetry/api']).toEqual({ optional: true });
    expect(manifest.dependencies?.['@opentelemetry/api']).toBeUndefined();
    expect(manifest.devDependencies['@opentelemetry/api']).toBeDefined();
  });

  it('where it is not installed, the main entry loads and FlagsModule starts without telemetry', async () => {
    await jest.isolateModulesAsync(async () => {
      jest.doMock('@opentelemetry/api', notInstalled);
      const main = require('../../lib') as typeof import('../../lib');
      const { EVALUATION_TRACER } =
        require('../../lib/core/flags.constants') as typeof import('../../lib/core/flags.constants');
      const { Test } = require('@nestjs/testing') as typeof import('@nestjs/testing');
      const moduleRef = await Test.createTestingModule({
        imports: [
          main.FlagsModule.forRoot({
            store: new main.InMemoryFlagStore(),
            metrics: false,
            seed: {
              flags: { beta: { state: 'ENABLED', variants: { on: true }, defaultVariant: 'on' } },
            },
          }),
        ],
      }).compile();
      const app = await moduleRef.createNestApplication({ logger: false }).init();
      expect(app.get(main.FlagService).isEnabled('beta')).toBe(true);
      expect(app.get(EVALUATION_TRACER)).toBeNull();
      await app.close();
      // The check is real: the API is what the mock hides.
      expect(() => require('@opentelemetry/api')).toThrow(/Cannot find module/);
    });
  });

  it('where it is not installed, telemetry: { … } stops the module with the fix', async () => {
    await jest.isolateModulesAsync(async () => {
      jest.doMock('@opentelemetry/api', notInstalled);
      const main = require('../../lib') as typeof import('../../lib');
      const { Test } = require('@nestjs/testing') as typeof import('@nestjs/testing');
      const compiling = Test.createTestingModule({
        imports: [main.FlagsModule.forRoot({ store: new main.InMemoryFlagStore(), telemetry: {} })],
      }).compile();
      await expect(compiling).rejects.toThrow(
        /FlagsModule: telemetry needs @opentelemetry\/api, which is not installed: install it \(npm install @opentelemetry\/api\)/,
      );
    });
  });

  it('is not even loaded with telemetry: false', async () => {
    await jest.isolateModulesAsync(async () => {
      let loads = 0;
      jest.doMock('@opentelemetry/api', () => {
        loads++;
        return jest.requireActual('@opentelemetry/api');
      });
      const main = require('../../lib') as typeof import('../../lib');
      const { Test } = require('@nestjs/testing') as typeof import('@nestjs/testing');
      const start = async (telemetry?: false) => {
        const moduleRef = await Test.createTestingModule({
          // Metrics off: prom-client requires the API too, for its exemplars.
          imports: [
            main.FlagsModule.forRoot({
              store: new main.InMemoryFlagStore(),
              metrics: false,
              telemetry,
            }),
          ],
        }).compile();
        await (await moduleRef.createNestApplication({ logger: false }).init()).close();
      };
      await start(false);
      expect(loads).toBe(0);
      // The check is real: on by default, it is loaded.
      await start();
      expect(loads).toBe(1);
    });
  });
});
