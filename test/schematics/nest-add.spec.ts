import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Rule, SchematicContext, Tree } from '@angular-devkit/schematics';
import * as ts from 'typescript';
import { parseFlagSet } from '../../lib';
import { type NestAddOptions, nestAdd } from '../../schematics/nest-add/nest-add.schematic';
import { type FileTree, nestNewTree } from './nest-new-app';

const ROOT = join(__dirname, '../..');
const RUN_DIR = join(__dirname, '.run');

/** What one run of the schematic did besides editing the tree. */
interface Run {
  readonly tree: FileTree;
  readonly tasks: unknown[];
  readonly warnings: string[];
  readonly infos: string[];
}

async function run(options: NestAddOptions, tree: FileTree): Promise<Run> {
  const tasks: unknown[] = [];
  const warnings: string[] = [];
  const infos: string[] = [];
  const context = {
    logger: { info: (m: string) => infos.push(m), warn: (m: string) => warnings.push(m) },
    addTask: (task: unknown) => tasks.push(task),
  } as unknown as SchematicContext;
  const rule: Rule = nestAdd(options);
  await rule(tree as unknown as Tree, context);
  return { tree, tasks, warnings, infos };
}

/** Type-checks the application as the Nest CLI compiles it (ES modules, nodenext). */
function typeErrors(tree: FileTree): string[] {
  const dir = join(RUN_DIR, 'app');
  rmSync(dir, { recursive: true, force: true });
  const sources: string[] = [];
  for (const [path, content] of Object.entries(tree.snapshot())) {
    const target = join(dir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
    if (path.endsWith('.ts')) sources.push(target);
  }
  const program = ts.createProgram(sources, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2023,
    strict: true,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    skipLibCheck: true,
    // As nest new sets it: every exported type must be nameable.
    declaration: true,
    emitDeclarationOnly: true,
    outDir: join(RUN_DIR, 'out'),
    types: ['node'],
    baseUrl: ROOT,
    paths: { 'nestjs-hybrid-flags': ['lib/index.ts'] },
  });
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file?.fileName.startsWith(dir))
    .map((d) => `${d.file?.fileName}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

describe('nest add nestjs-hybrid-flags', () => {
  afterAll(() => rmSync(RUN_DIR, { recursive: true, force: true }));

  describe('in an application just made by nest new', () => {
    let tree: FileTree;
    let first: Run;

    beforeAll(async () => {
      first = await run({}, nestNewTree());
      tree = first.tree;
    });

    it('registers TypeORM on SQLite and the flags in AppModule, with the imports an ES module app needs', () => {
      const appModule = tree.readText('src/app.module.ts');
      expect(appModule).toContain("import { TypeOrmModule } from '@nestjs/typeorm';");
      expect(appModule).toContain("import { dataSourceOptions } from './data-source.js';");
      expect(appModule).toContain("import { flagsModule } from './feature-flags.js';");
      expect(appModule).toMatch(
        /imports: \[\n {4}TypeOrmModule\.forRoot\(\{ \.\.\.dataSourceOptions, migrationsRun: true \}\),\n {4}flagsModule,\n {2}\],/,
      );
      expect(tree.readText('src/data-source.ts')).toMatch(/type: 'better-sqlite3'/);
      expect(tree.readText('src/feature-flags.ts')).toMatch(/audience: 'demo'/);
    });

    it('leaves an application that compiles', () => {
      expect(typeErrors(tree)).toEqual([]);
    });

    it('writes a valid flag file', () => {
      expect(parseFlagSet(tree.readText('flags.json')).ok).toBe(true);
    });

    it('makes a key pair whose public half the app trusts and whose private half git ignores', () => {
      const privateKey = createPrivateKey(tree.readText('keys/hybrid-flags-private.pem'));
      const publicKey = createPublicKey(tree.readText('keys/hybrid-flags-public.pem'));
      const signature = sign('sha256', Buffer.from('x'), privateKey);
      expect(verify('sha256', Buffer.from('x'), publicKey, signature)).toBe(true);
      expect(tree.readText('.gitignore').split('\n')).toEqual(
        expect.arrayContaining(['keys/*-private.pem', '*.sqlite']),
      );
      expect(tree.readText('src/feature-flags.ts')).toContain('keys/hybrid-flags-public.pem');
    });

    it('adds the dependencies, the flag scripts and an npm install', () => {
      const manifest = JSON.parse(tree.readText('package.json'));
      expect(manifest.dependencies).toMatchObject({
        '@nestjs/typeorm': expect.any(String),
        typeorm: expect.any(String),
        'better-sqlite3': expect.any(String),
      });
      expect(manifest.scripts['flags:push']).toBe(
        'hybrid-flags push flags.json --url http://localhost:${PORT:-3000}/_flags --key keys/hybrid-flags-private.pem --aud demo --sub "${USER:-developer}"',
      );
      expect(manifest.scripts['flags:state']).toMatch(/^hybrid-flags state --expect flags\.json /);
      expect(manifest.scripts['flags:validate']).toBe('hybrid-flags validate flags.json');
      expect(manifest.scripts['migration:run']).toBe(
        'nest build && typeorm migration:run -d dist/data-source.js',
      );
      expect(first.tasks).toHaveLength(1);
      expect(first.infos.join('\n')).toMatch(/keys\/hybrid-flags-private\.pem signs flag changes/);
    });

    it('changes nothing when run again', async () => {
      const before = tree.snapshot();
      const again = await run({}, tree);
      expect(again.tree.snapshot()).toEqual(before);
      expect(again.tasks).toEqual([]);
    });
  });

  it('uses pg for --database postgres, and skips npm install with --skipInstall', async () => {
    const { tree, tasks } = await run({ database: 'postgres', skipInstall: true }, nestNewTree());
    expect(JSON.parse(tree.readText('package.json')).dependencies.pg).toBeDefined();
    expect(tree.readText('src/data-source.ts')).toMatch(
      /type: 'postgres',\n {2}url: process\.env\.DATABASE_URL/,
    );
    expect(tree.readText('.gitignore')).not.toContain('*.sqlite');
    expect(tasks).toEqual([]);
  });

  it('adds the flag tables to a TypeORM registration the app has, without a data source of its own', async () => {
    const appModule = `import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { User } from './user.entity.js';

@Module({
  imports: [
    TypeOrmModule.forRoot({
      type: 'postgres',
      url: process.env.DATABASE_URL,
      entities: [User],
    }),
  ],
})
export class AppModule {}
`;
    const { tree } = await run(
      { database: 'postgres' },
      nestNewTree({
        'src/app.module.ts': appModule,
        'src/user.entity.ts': `import { Entity, PrimaryColumn } from 'typeorm';\n\n@Entity()\nexport class User {\n  @PrimaryColumn()\n  id!: string;\n}\n`,
      }),
    );
    const edited = tree.readText('src/app.module.ts');
    expect(edited).toContain('entities: [User, ...FLAG_ENTITIES],');
    expect(edited).toMatch(
      /\n {6}migrations: \[\.\.\.FLAG_MIGRATIONS\],\n {6}migrationsRun: true,\n {4}\}\),\n {4}flagsModule,\n/,
    );
    expect(edited).toContain(
      "import { FLAG_ENTITIES, FLAG_MIGRATIONS } from 'nestjs-hybrid-flags';",
    );
    expect(tree.exists('src/data-source.ts')).toBe(false);
    expect(JSON.parse(tree.readText('package.json')).scripts['migration:run']).toBeUndefined();
    expect(typeErrors(tree)).toEqual([]);
  });

  it('says what to do by hand when TypeORM is registered asynchronously', async () => {
    const appModule = `import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

@Module({
  imports: [TypeOrmModule.forRootAsync({ useFactory: () => ({ type: 'postgres' }) })],
})
export class AppModule {}
`;
    const { tree, warnings } = await run({}, nestNewTree({ 'src/app.module.ts': appModule }));
    expect(tree.readText('src/app.module.ts')).toContain(
      "imports: [TypeOrmModule.forRootAsync({ useFactory: () => ({ type: 'postgres' }) }), flagsModule],",
    );
    expect(warnings).toEqual([expect.stringMatching(/add \.\.\.FLAG_ENTITIES to its entities/)]);
  });

  it('refuses clearly where there is no application module', async () => {
    const tree = nestNewTree();
    tree.delete('src/app.module.ts');
    await expect(run({}, tree)).rejects.toThrow(
      /src\/app\.module\.ts was not found: run nest add in the application's folder/,
    );
  });
});
