import { generateKeyPairSync } from 'node:crypto';
import { posix } from 'node:path';
import type { Rule, SchematicContext, Tree } from '@angular-devkit/schematics';
import type * as TypeScript from 'typescript';
import { editAppModule } from './app-module-edit';
import {
  type Database,
  FLAGS_FILE,
  dataSourceFile,
  dependenciesFor,
  featureFlagsFile,
  flagScripts,
} from './generated-files';

/** The options of `nest add nestjs-hybrid-flags` (schema.json). */
export interface NestAddOptions {
  database?: Database;
  sourceRoot?: string;
  skipInstall?: boolean;
}

const PUBLIC_KEY = 'keys/hybrid-flags-public.pem';
const PRIVATE_KEY = 'keys/hybrid-flags-private.pem';

/**
 * `nest add nestjs-hybrid-flags`: TypeORM and a driver, `FlagsModule` with a webhook trusting a
 * key pair made here, a flag file, a data source and scripts. Everything it finds done already it
 * leaves as it is, so a second run changes nothing; `--dry-run` shows the changes.
 */
export function nestAdd(options: NestAddOptions): Rule {
  return (tree: Tree, context: SchematicContext) => {
    const database = options.database ?? 'sqlite';
    const sourceRoot = options.sourceRoot ?? 'src';
    const manifest = readJson(tree, 'package.json');
    const name = safeName(String(manifest.name ?? 'app'));
    const log = (line: string) => context.logger.info(line);

    const modulePath = posix.join(sourceRoot, 'app.module.ts');
    const moduleText = tree.read(modulePath)?.toString('utf8');
    if (moduleText === undefined) {
      throw new Error(
        `${modulePath} was not found: run nest add in the application's folder, or pass ` +
          '--sourceRoot with the folder of its app.module.ts.',
      );
    }
    // Relative imports of an application of ES modules name the compiled file.
    const extension = /from '\.\/[^']+\.js'/.test(moduleText) ? '.js' : '';
    const edit = editAppModule(typescript(), moduleText, extension);
    if (edit.text !== moduleText) {
      tree.overwrite(modulePath, edit.text);
      log(`${modulePath}: FlagsModule${edit.addedTypeOrm ? ' and TypeORM' : ''} registered.`);
    }
    if (edit.addedTypeOrm) {
      createOnce(tree, posix.join(sourceRoot, 'data-source.ts'), dataSourceFile(database, name));
    }
    createOnce(tree, posix.join(sourceRoot, 'feature-flags.ts'), featureFlagsFile(name));
    createOnce(tree, 'flags.json', FLAGS_FILE);

    if (!tree.exists(PUBLIC_KEY)) {
      if (tree.exists(PRIVATE_KEY)) {
        throw new Error(
          `${PRIVATE_KEY} exists without ${PUBLIC_KEY}: restore the public key ` +
            '(or delete the private one to have a new pair made).',
        );
      }
      const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      tree.create(PRIVATE_KEY, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
      tree.create(PUBLIC_KEY, pair.publicKey.export({ type: 'spki', format: 'pem' }).toString());
      log(
        `${PRIVATE_KEY} signs flag changes (npm run flags:push): it is in .gitignore. Keep it out ` +
          'of version control and off the servers; the application trusts only ' +
          `${PUBLIC_KEY}, which you commit.`,
      );
    }
    const ignored = ['keys/*-private.pem', ...(database === 'sqlite' ? ['*.sqlite'] : [])];
    appendLines(tree, '.gitignore', ignored);

    const scripts = flagScripts(name);
    if (!edit.addedTypeOrm) delete scripts['migration:run'];
    const added = addToManifest(manifest, dependenciesFor(database), scripts);
    if (added.length > 0) {
      tree.overwrite('package.json', `${JSON.stringify(manifest, null, 2)}\n`);
      log(`package.json: ${added.join(', ')}.`);
      if (added.some((entry) => !entry.startsWith('script')) && !options.skipInstall) {
        context.addTask(installTask());
      }
    }
    for (const note of edit.notes) context.logger.warn(note);
    log(
      'Next: npm run start, then edit flags.json and npm run flags:push; npm run flags:state ' +
        'says whether the application holds the file.',
    );
    return tree;
  };
}

function readJson(tree: Tree, path: string): Record<string, unknown> {
  const text = tree.read(path)?.toString('utf8');
  if (text === undefined)
    throw new Error(`${path} was not found: run nest add in the application's folder.`);
  return JSON.parse(text) as Record<string, unknown>;
}

/** A name fit for an audience and a file name: `@acme/shop-api` becomes `acme-shop-api`. */
function safeName(name: string): string {
  return (
    name
      .replace(/^@/, '')
      .replace(/[^a-z0-9-]+/gi, '-')
      .replace(/^-+|-+$/g, '') || 'app'
  );
}

function createOnce(tree: Tree, path: string, content: string): void {
  if (!tree.exists(path)) tree.create(path, content);
}

function appendLines(tree: Tree, path: string, lines: string[]): void {
  const text = tree.read(path)?.toString('utf8') ?? '';
  const present = new Set(text.split(/\r?\n/).map((line) => line.trim()));
  const missing = lines.filter((line) => !present.has(line));
  if (missing.length === 0) return;
  const separator = text === '' || text.endsWith('\n') ? '' : '\n';
  const content = `${text}${separator}${missing.join('\n')}\n`;
  if (tree.exists(path)) tree.overwrite(path, content);
  else tree.create(path, content);
}

/** Adds the dependencies and scripts the manifest lacks; says which. */
function addToManifest(
  manifest: Record<string, unknown>,
  dependencies: Record<string, string>,
  scripts: Record<string, string>,
): string[] {
  const added: string[] = [];
  const has = (name: string) =>
    ['dependencies', 'devDependencies', 'peerDependencies'].some(
      (field) => (manifest[field] as Record<string, string> | undefined)?.[name] !== undefined,
    );
  const deps = (manifest.dependencies ??= {}) as Record<string, string>;
  for (const [name, version] of Object.entries(dependencies)) {
    if (has(name)) continue;
    deps[name] = version;
    added.push(`${name}@${version}`);
  }
  manifest.dependencies = sorted(deps);
  const own = (manifest.scripts ??= {}) as Record<string, string>;
  for (const [name, command] of Object.entries(scripts)) {
    if (own[name] !== undefined) continue;
    own[name] = command;
    added.push(`script ${name}`);
  }
  return added;
}

function sorted(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

/** The application's TypeScript (a Nest application always has it), else this package's. */
function typescript(): typeof TypeScript {
  const paths = [process.cwd(), __dirname];
  return require(require.resolve('typescript', { paths })) as typeof TypeScript;
}

/**
 * npm install, as a schematics task: the schematics runtime runs this schematic, so its package
 * is there to be loaded, from the application as from the CLI.
 */
function installTask() {
  const paths = [process.cwd(), __dirname];
  const tasks = require(require.resolve('@angular-devkit/schematics/tasks', { paths })) as {
    NodePackageInstallTask: new (options: {
      allowScripts: boolean;
    }) => Parameters<SchematicContext['addTask']>[0];
  };
  // The task passes --ignore-scripts unless told otherwise: the SQLite driver would not be built.
  return new tasks.NodePackageInstallTask({ allowScripts: true });
}
