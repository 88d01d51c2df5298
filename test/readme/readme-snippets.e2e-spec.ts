import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import * as ts from 'typescript';
import { readmeSnippets } from './readme-snippets';

const ROOT = join(__dirname, '../..');
/** Inside the repository, so that the snippets resolve its node_modules. Ignored by git. */
const RUN_DIR = join(__dirname, '.run');

/*
 * Every TypeScript block of the README compiles, as a reader would paste it, against the package
 * as the reader imports it; the five-minute setup also runs, and answers as the README says.
 */
describe('README.md', () => {
  const snippets = readmeSnippets(ROOT);

  beforeAll(() => {
    rmSync(RUN_DIR, { recursive: true, force: true });
    snippets.forEach((snippet, index) => {
      const path = join(RUN_DIR, snippet.file ?? `snippets/snippet-${index}.${extension(snippet)}`);
      mkdirSync(dirname(path), { recursive: true });
      const body =
        snippet.language === 'ts'
          ? `${snippet.prelude}\n${snippet.code}\nexport {};\n`
          : snippet.code;
      writeFileSync(path, body);
    });
  });
  afterAll(() => rmSync(RUN_DIR, { recursive: true, force: true }));

  it('has TypeScript blocks, each in a file or with what it is compiled with', () => {
    expect(snippets.filter((s) => s.language === 'ts').length).toBeGreaterThan(10);
  });

  it('compiles every TypeScript block', () => {
    const files = snippets
      .map((snippet, index) => ({ snippet, index }))
      .filter(({ snippet }) => snippet.language === 'ts')
      .map(({ snippet, index }) => join(RUN_DIR, snippet.file ?? `snippets/snippet-${index}.ts`));
    const program = ts.createProgram(files, {
      target: ts.ScriptTarget.ES2022,
      // As `nest new` makes an application today: ES modules, top-level await.
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      strict: true,
      esModuleInterop: true,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      skipLibCheck: true,
      resolveJsonModule: true,
      noEmit: true,
      types: ['node'],
      baseUrl: ROOT,
      paths: {
        'nestjs-hybrid-flags': ['lib/index.ts'],
        'nestjs-hybrid-flags/*': ['lib/*/index.ts'],
      },
    });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file === undefined || d.file.fileName.startsWith(RUN_DIR))
      .map((d) => {
        const where = d.file?.getLineAndCharacterOfPosition(d.start ?? 0);
        const snippet = d.file === undefined ? undefined : snippetOf(d.file.fileName);
        const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
        return `README.md block at line ${snippet?.line ?? '?'}, its line ${(where?.line ?? 0) - preludeLines(snippet)}: ${text}`;
      });
    expect(problems).toEqual([]);
  });

  describe('the five-minute setup', () => {
    let app: INestApplication;
    const cwd = process.cwd();

    beforeAll(async () => {
      // Its paths (flags.json, app.sqlite) are the working directory's, as with `npm run start`.
      process.chdir(RUN_DIR);
      const { AppModule } = require(join(RUN_DIR, 'src/app.module.ts'));
      app = await NestFactory.create(AppModule, { logger: false });
      await app.listen(0, '127.0.0.1');
    });
    afterAll(async () => {
      await app?.close();
      process.chdir(cwd);
    });

    const get = (path: string, headers: Record<string, string> = {}) => {
      const { port } = app.getHttpServer().address() as AddressInfo;
      return fetch(`http://127.0.0.1:${port}${path}`, { headers });
    };

    it('answers GET / and /checkout as the README says', async () => {
      const premium = await get('/', { 'x-plan': 'premium' });
      expect(await premium.json()).toEqual({ newCheckout: true });
      expect(await (await get('/')).json()).toEqual({ newCheckout: false });
      expect((await get('/checkout')).status).toBe(404);
      expect((await get('/checkout', { 'x-plan': 'premium' })).status).toBe(200);
    });
  });

  function snippetOf(fileName: string) {
    return snippets.find(
      (snippet, index) =>
        join(RUN_DIR, snippet.file ?? `snippets/snippet-${index}.${extension(snippet)}`) ===
        fileName,
    );
  }
});

function extension(snippet: { language: string }): string {
  return snippet.language === 'ts' ? 'ts' : snippet.language || 'txt';
}

function preludeLines(snippet: { prelude: string } | undefined): number {
  return snippet === undefined ? 0 : snippet.prelude.split('\n').length - 1;
}
