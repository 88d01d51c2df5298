import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { findCodeReferences, scanCodeReferences } from '../../lib/cli/code-references';
import { nodeFiles } from '../../lib/cli/io';
import { UsageError } from '../../lib/cli/output';
import { maskSource } from '../../lib/cli/source-mask';

const EXAMPLE_SRC = join(__dirname, '..', '..', 'example-app', 'src');

/** The 1-based line of the first line of `file` that contains `text`, found independently. */
function lineWith(file: string, text: string): number {
  const index = readFileSync(join(EXAMPLE_SRC, file), 'utf8')
    .split('\n')
    .findIndex((line) => line.includes(text));
  if (index < 0) throw new Error(`${file} no longer contains ${text}: update this test`);
  return index + 1;
}

/** Keys found in one snippet, as "key@line". */
function keysIn(source: string): string[] {
  return findCodeReferences(source, 'x.ts').references.map(({ key, line }) => `${key}@${line}`);
}

/** A snippet in a file that uses FlagService, where its method calls count. */
const service = (body: string) =>
  `import { FlagService } from 'nestjs-hybrid-flags';\nclass S {\n  constructor(private readonly flags: FlagService) {}\n${body}\n}\n`;

describe('code references in the example app', () => {
  it('finds the decorators and FlagService calls, with file and line', () => {
    const scan = scanCodeReferences(nodeFiles, EXAMPLE_SRC);

    expect(scan.files).toBe(readdirSync(EXAMPLE_SRC).filter((name) => name.endsWith('.ts')).length);
    expect(scan.references).toEqual(
      expect.arrayContaining([
        {
          key: 'beta-dashboard',
          file: 'dashboard.controller.ts',
          line: lineWith('dashboard.controller.ts', "@FeatureFlag('beta-dashboard')"),
          call: '@FeatureFlag',
        },
        {
          key: 'upload-limit-mb',
          file: 'dashboard.controller.ts',
          line: lineWith('dashboard.controller.ts', "@FlagValue('upload-limit-mb'"),
          call: '@FlagValue',
        },
        {
          key: 'upload-limit-mb',
          file: 'flags.controller.ts',
          line: lineWith('flags.controller.ts', "@FlagValue('upload-limit-mb'"),
          call: '@FlagValue',
        },
        {
          key: 'checkout-flow',
          file: 'checkout.service.ts',
          line: lineWith('checkout.service.ts', "evaluate('checkout-flow')"),
          call: 'evaluate',
        },
      ]),
    );
    // FlagsController serves every flag to the caller: no literal names them.
    expect(scan.dynamic).toEqual(
      expect.arrayContaining([
        {
          file: 'flags.controller.ts',
          line: lineWith('flags.controller.ts', '.evaluateAll('),
          call: 'evaluateAll',
          expression: '',
        },
      ]),
    );
  });
});

describe('findCodeReferences', () => {
  it('reads @FeatureFlag with options and over several lines, at the line of the key', () => {
    const source = [
      "import { FeatureFlag, FlagValue } from 'nestjs-hybrid-flags';", // 1
      'class C {', // 2
      "  @FeatureFlag('checkout-flow', { variant: 'one-page' })", // 3
      '  @FeatureFlag(', // 4
      "    'payments-up',", // 5
      '    { exception: () => new ServiceUnavailableException() },', // 6
      '  )', // 7
      '  @Post() checkout(', // 8
      '    @FlagValue(', // 9
      '      // the theme', // 10
      '      "theme",', // 11
      "      'light',", // 12
      '    ) theme: string,', // 13
      '  ) {}', // 14
      '}', // 15
    ].join('\n');
    expect(findCodeReferences(source, 'src/c.ts')).toEqual({
      references: [
        { key: 'checkout-flow', file: 'src/c.ts', line: 3, call: '@FeatureFlag' },
        { key: 'payments-up', file: 'src/c.ts', line: 5, call: '@FeatureFlag' },
        { key: 'theme', file: 'src/c.ts', line: 11, call: '@FlagValue' },
      ],
      dynamic: [],
    });
  });

  it('reads every FlagService method, with any quotes and type arguments', () => {
    const source = service(
      [
        "  a() { return this.flags.isEnabled('a-flag', { plan: 'x' }); }",
        '  b() { return this.flags.getBoolean("b-flag", false); }',
        '  c() { return this.flags.getString(`c-flag`, "classic"); }',
        "  d() { return this.flags?.getNumber('d-flag', 10); }",
        "  e() { return this.flags.getObject<{ size: Array<number> }>('e-flag', { size: [] }); }",
        "  f() { return this.flags\n    .evaluate('f-flag'); }",
        "  g() { return this.flags.isEnabled('it\\'s\\u002dok'); }",
      ].join('\n'),
    );
    expect(keysIn(source)).toEqual([
      'a-flag@4',
      'b-flag@5',
      'c-flag@6',
      'd-flag@7',
      'e-flag@8',
      'f-flag@10',
      "it's-ok@11",
    ]);
  });

  it('reports keys it cannot read as dynamic references, evaluateAll() included', () => {
    const source = service(
      [
        '  a(key: string) { return this.flags.isEnabled(key); }',
        "  b() { return this.flags.getString(KEYS.flow, 'classic'); }",
        '  c(x: string) { return this.flags.evaluate(`flow-${x}`); }',
        "  d(x: string) { return this.flags.isEnabled('beta-' + x); }",
        '  e() { return this.flags.evaluateAll(); }',
        "  @FeatureFlag(['a', 'b'])",
        '  f() {}',
      ].join('\n'),
    );
    const found = findCodeReferences(source, 'x.ts');
    expect(found.references).toEqual([]);
    expect(found.dynamic.map(({ line, call, expression }) => [line, call, expression])).toEqual([
      [4, 'isEnabled', 'key'],
      [5, 'getString', 'KEYS.flow'],
      [6, 'evaluate', '`flow-${x}`'],
      [7, 'isEnabled', "'beta-' + x"],
      [8, 'evaluateAll', ''],
      [9, '@FeatureFlag', "['a', 'b']"],
    ]);
  });

  it('ignores comments, strings and look-alike calls', () => {
    const source = service(
      [
        "  // this.flags.isEnabled('in-a-line-comment')",
        "  /** @example @FeatureFlag('in-jsdoc') */",
        '  a() { return \'call .isEnabled("in-a-string") like this\'; }',
        '  b() { return "@FlagValue(\'in-double-quotes\', 1)"; }',
        "  c() { return config.getString('port'); }", // FlagService's getters always take a default
        '  d() { return this.flags.isEnabled(); }',
        "  e() { return this.flags.evaluateAll('ignored'); }",
        "  f() { return this.flags.isEnabledFor('other-method'); }",
      ].join('\n'),
    );
    expect(findCodeReferences(source, 'x.ts')).toEqual({
      references: [],
      dynamic: [{ file: 'x.ts', line: 10, call: 'evaluateAll', expression: '' }],
    });
  });

  it('counts FlagService methods only in files that name FlagService; decorators anywhere', () => {
    const playwright = [
      "const title = await page.evaluate('document.title');",
      "const on = client.isEnabled('not-ours');",
      "@FeatureFlag('decorated')",
      'class C {}',
    ].join('\n');
    expect(keysIn(playwright)).toEqual(['decorated@3']);
    // A mention in a comment does not count either.
    expect(keysIn(`// uses FlagService\n${playwright}`)).toEqual(['decorated@4']);
  });

  it('stays in step after regular expressions, divisions and templates', () => {
    const source = service(
      [
        "  a(s: string) { return /'[\"/]`/.test(s) && this.flags.isEnabled('after-regex'); }",
        "  b(t: number) { return t / 2 > 1 && this.flags.isEnabled('after-division'); } // / '",
        "  c() { return `${this.flags.getString('inside-template', 'x')} and ${`${'}'}`}`; }",
        "  d() { return this.flags.isEnabled('after-template'); }",
        "  e() { return 'unterminated; }",
        "  f() { return this.flags.isEnabled('after-unterminated'); }",
        "  g() { return '😀' && this.flags.isEnabled('after-emoji'); }",
      ].join('\n'),
    );
    expect(keysIn(source)).toEqual([
      'after-regex@4',
      'after-division@5',
      'inside-template@6',
      'after-template@7',
      'after-unterminated@9',
      'after-emoji@10',
    ]);
  });
});

describe('maskSource', () => {
  it('keeps length and lines, blanks comments and literal contents, keeps template code', () => {
    const source = "a('x', \"y\") // z\n/* w\n */ b(`t${c('k')}`, /r'/g)";
    const mask = maskSource(source);
    expect(mask).toHaveLength(source.length);
    expect(mask.split('\n').map((line) => line.length)).toEqual(
      source.split('\n').map((line) => line.length),
    );
    expect(mask).toBe("a(' ', \" \")     \n    \n    b(` ${c(' ')}`, /  /g)");
  });
});

describe('scanCodeReferences', () => {
  function tree(files: Record<string, string>): string {
    const root = mkdtempSync(join(tmpdir(), 'hybrid-flags-src-'));
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), content);
    }
    return root;
  }

  it('reads source files of every extension, skips build, dependency and VCS folders', () => {
    const flag = (key: string) => `@FeatureFlag('${key}') class C {}\n`;
    const root = tree({
      'a.ts': flag('ts'),
      'b.tsx': flag('tsx'),
      'c.js': flag('js'),
      'd.jsx': flag('jsx'),
      'e.mjs': flag('mjs'),
      'f.cjs': flag('cjs'),
      'g.mts': flag('mts'),
      'h.cts': flag('cts'),
      'deep/er/i.ts': flag('nested'),
      'notes.md': flag('markdown'),
      'flags.json': flag('json'),
      'node_modules/pkg/index.js': flag('dependency'),
      'dist/main.js': flag('build'),
      '.git/hooks/x.js': flag('git'),
      'coverage/lcov.js': flag('coverage'),
    });
    const scan = scanCodeReferences(nodeFiles, root);
    expect(scan.files).toBe(9);
    expect(scan.references.map(({ key, file }) => `${key} ${file}`)).toEqual([
      'ts a.ts',
      'tsx b.tsx',
      'js c.js',
      'jsx d.jsx',
      'nested deep/er/i.ts',
      'mjs e.mjs',
      'cjs f.cjs',
      'mts g.mts',
      'cts h.cts',
    ]);
  });

  it('refuses a --src that is not a readable folder, saying what to pass', () => {
    const root = tree({ 'file.ts': '' });
    for (const dir of [join(root, 'missing'), join(root, 'file.ts')]) {
      expect(() => scanCodeReferences(nodeFiles, dir)).toThrow(UsageError);
      expect(() => scanCodeReferences(nodeFiles, dir)).toThrow(
        /cannot be read as a folder \((ENOENT|ENOTDIR)\); pass the folder of the application's source/,
      );
    }
  });
});
