import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { dynamicCode, importsOf, impureImports, sourceFiles } from './import-rules';

/*
 * lib/evaluation/ is the pure core: no NestJS, no TypeORM, no Node I/O, no packages at all, so it
 * runs anywhere (a CLI, an edge runtime, a browser) and stays fast and testable. lib/staleness/
 * (the clean-up rules the application, its usage endpoint and the CLI share) follows the same
 * rule. These tests fail the build when anyone imports such a thing there.
 */

const LIB = join(__dirname, '..', '..', 'lib');
const PURE_FOLDERS = ['evaluation', 'staleness'];

describe.each(PURE_FOLDERS)('lib/%s purity', (name) => {
  const folder = join(LIB, name);

  it('imports nothing but its own modules', () => {
    expect(impureImports(folder)).toEqual([]);
  });

  it('never builds code from strings', () => {
    const offenders = sourceFiles(folder)
      .filter((file) => !file.endsWith('.spec.ts'))
      .filter((file) => dynamicCode(readFileSync(file, 'utf8')).length > 0);
    expect(offenders).toEqual([]);
  });
});

describe('the purity rule', () => {
  it('is checked by a rule that catches Nest, TypeORM, Node I/O and escaping imports', () => {
    const folder = mkdtempSync(join(tmpdir(), 'purity-'));
    mkdirSync(join(folder, 'inner'));
    const files = {
      'nest.ts': "import { Injectable } from '@nestjs/common';",
      'orm.ts': "import { DataSource } from 'typeorm';",
      'io.ts': "import { readFileSync } from 'node:fs';\nconst net = require('net');",
      'escape.ts': "export * from '../store/flag.store';",
      'lazy.ts': "const m = import('http');",
      'fine.ts': "import { a } from './inner/a';\nimport type { B } from './inner/b';",
    };
    for (const [name, source] of Object.entries(files)) writeFileSync(join(folder, name), source);
    const specifiers = impureImports(folder)
      .map((site) => site.specifier)
      .sort();
    expect(specifiers).toEqual([
      '../store/flag.store',
      '@nestjs/common',
      'http',
      'net',
      'node:fs',
      'typeorm',
    ]);
    expect(dynamicCode('const f = new Function("return 1"); eval("x")')).toHaveLength(2);
    expect(importsOf("import x from './x';")).toEqual(['./x']);
  });
});
