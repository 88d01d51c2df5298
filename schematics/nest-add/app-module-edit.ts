import type * as TypeScript from 'typescript';

/** What the application module gets: the flags, and TypeORM unless it has it already. */
export interface AppModuleEdit {
  /** The module's new text; the same text when there was nothing to add. */
  readonly text: string;
  /** What the application has to do by hand, when its code is not as expected. */
  readonly notes: string[];
  /** Whether TypeORM was registered here (then `data-source.ts` provides its options). */
  readonly addedTypeOrm: boolean;
}

interface Insertion {
  readonly at: number;
  readonly text: string;
}

const TYPEORM_ENTRY = 'TypeOrmModule.forRoot({ ...dataSourceOptions, migrationsRun: true })';

/**
 * Adds `flagsModule` to the imports of the `@Module()` class of an application module and, when
 * no TypeORM registration is there, `TypeOrmModule.forRoot()` with the generated data source's
 * options; when one is, `FLAG_ENTITIES` and `FLAG_MIGRATIONS` are added to its options. What is
 * there already is left as it is, so a second run changes nothing.
 * @param extension `.js` for an application of ES modules (relative imports name the file).
 */
export function editAppModule(
  ts: typeof TypeScript,
  text: string,
  extension: string,
): AppModuleEdit {
  const source = ts.createSourceFile('app.module.ts', text, ts.ScriptTarget.Latest, true);
  const notes: string[] = [];
  const metadata = moduleMetadata(ts, source);
  if (metadata === undefined) {
    notes.push(
      'No @Module({ ... }) class was found in the application module: add `flagsModule` ' +
        '(from ./feature-flags) and TypeOrmModule.forRoot() to its imports yourself.',
    );
    return { text, notes, addedTypeOrm: false };
  }
  const insertions: Insertion[] = [];
  const imports = property(ts, metadata, 'imports');
  const elements =
    imports !== undefined && ts.isArrayLiteralExpression(imports.initializer)
      ? imports.initializer.elements
      : undefined;
  if (imports !== undefined && elements === undefined) {
    notes.push(
      "The module's imports are not an array literal: add `flagsModule` and TypeORM to them yourself.",
    );
    return { text, notes, addedTypeOrm: false };
  }
  const entries = elements ?? ts.factory.createNodeArray<TypeScript.Expression>();
  const typeOrm = entries.find((entry) => callsTypeOrm(ts, entry));
  const hasFlags = entries.some((entry) => /\bflagsModule\b|\bFlagsModule\b/.test(entry.getText()));
  const added: string[] = [];
  if (typeOrm === undefined) added.push(TYPEORM_ENTRY);
  else insertions.push(...flagTables(ts, typeOrm, notes));
  if (!hasFlags) added.push('flagsModule');
  if (added.length > 0) {
    insertions.push(
      imports === undefined
        ? newImportsProperty(source, metadata, added)
        : appendToArray(source, imports.initializer as TypeScript.ArrayLiteralExpression, added),
    );
  }
  if (insertions.length === 0) return { text, notes, addedTypeOrm: false };
  const declarations: string[] = [];
  if (typeOrm === undefined) {
    declarations.push(`import { TypeOrmModule } from '@nestjs/typeorm';`);
    declarations.push(`import { dataSourceOptions } from './data-source${extension}';`);
  } else if (insertions.some((i) => /FLAG_(ENTITIES|MIGRATIONS)/.test(i.text))) {
    const names = ['FLAG_ENTITIES', 'FLAG_MIGRATIONS'].filter((name) =>
      insertions.some((i) => i.text.includes(name)),
    );
    declarations.push(`import { ${names.join(', ')} } from 'nestjs-hybrid-flags';`);
  }
  if (!hasFlags) declarations.push(`import { flagsModule } from './feature-flags${extension}';`);
  const missing = declarations.filter((line) => !text.includes(line));
  if (missing.length > 0) insertions.push(afterImports(ts, source, missing));
  return { text: applied(text, insertions), notes, addedTypeOrm: typeOrm === undefined };
}

/** The object literal given to the first `@Module()` decorator of a class. */
function moduleMetadata(ts: typeof TypeScript, source: TypeScript.SourceFile) {
  for (const statement of source.statements) {
    if (!ts.isClassDeclaration(statement)) continue;
    for (const decorator of ts.getDecorators(statement) ?? []) {
      const call = decorator.expression;
      if (
        ts.isCallExpression(call) &&
        ts.isIdentifier(call.expression) &&
        call.expression.text === 'Module' &&
        call.arguments.length === 1 &&
        ts.isObjectLiteralExpression(call.arguments[0])
      ) {
        return call.arguments[0];
      }
    }
  }
  return undefined;
}

function property(
  ts: typeof TypeScript,
  object: TypeScript.ObjectLiteralExpression,
  name: string,
): TypeScript.PropertyAssignment | undefined {
  return object.properties.find(
    (p): p is TypeScript.PropertyAssignment =>
      ts.isPropertyAssignment(p) && p.name.getText() === name,
  );
}

function callsTypeOrm(ts: typeof TypeScript, node: TypeScript.Expression): boolean {
  return (
    ts.isCallExpression(node) &&
    ts.isPropertyAccessExpression(node.expression) &&
    node.expression.expression.getText() === 'TypeOrmModule' &&
    /^forRoot(Async)?$/.test(node.expression.name.text)
  );
}

/** The flag tables added to an existing `TypeOrmModule.forRoot({ ... })`, where they can be. */
function flagTables(
  ts: typeof TypeScript,
  call: TypeScript.Expression,
  notes: string[],
): Insertion[] {
  const by = 'add ...FLAG_ENTITIES to its entities and ...FLAG_MIGRATIONS to its migrations';
  const options = (call as TypeScript.CallExpression).arguments[0];
  const method = (
    (call as TypeScript.CallExpression).expression as TypeScript.PropertyAccessExpression
  ).name.text;
  if (method !== 'forRoot' || options === undefined || !ts.isObjectLiteralExpression(options)) {
    notes.push(`TypeORM is registered in a way this schematic does not edit: ${by}.`);
    return [];
  }
  const spreads = options.properties.filter(ts.isSpreadAssignment);
  if (spreads.length > 0) {
    // Options spread from elsewhere: the generated data source holds the flag tables already.
    if (!spreads.every((spread) => spread.expression.getText() === 'dataSourceOptions')) {
      notes.push(
        "TypeORM's options are spread from elsewhere: make sure its entities include " +
          '...FLAG_ENTITIES and its migrations ...FLAG_MIGRATIONS.',
      );
    }
    return [];
  }
  const source = options.getSourceFile();
  const insertions: Insertion[] = [];
  const synchronized = property(ts, options, 'synchronize')?.initializer.getText() === 'true';
  const wanted: Array<[string, string]> = [['entities', '...FLAG_ENTITIES']];
  // Tables that `synchronize` creates would make the migrations fail on "table exists".
  if (!synchronized) wanted.push(['migrations', '...FLAG_MIGRATIONS']);
  const absent: string[] = [];
  for (const [name, spread] of wanted) {
    const existing = property(ts, options, name);
    if (existing === undefined) {
      absent.push(`${name}: [${spread}]`);
    } else if (existing.initializer.getText().includes(spread.slice(3))) {
      continue;
    } else if (ts.isArrayLiteralExpression(existing.initializer)) {
      insertions.push(appendToArray(source, existing.initializer, [spread]));
    } else {
      notes.push(`TypeORM's ${name} is not an array literal: add ${spread} to it yourself.`);
    }
  }
  if (
    absent.includes('migrations: [...FLAG_MIGRATIONS]') &&
    property(ts, options, 'migrationsRun') === undefined
  ) {
    absent.push('migrationsRun: true');
  }
  if (absent.length > 0) insertions.push(appendToObject(source, options, absent));
  return insertions;
}

function indentOf(source: TypeScript.SourceFile, position: number): string {
  const lineStart = source.text.lastIndexOf('\n', position - 1) + 1;
  return /^[ \t]*/.exec(source.text.slice(lineStart))?.[0] ?? '';
}

function appendToArray(
  source: TypeScript.SourceFile,
  array: TypeScript.ArrayLiteralExpression,
  entries: string[],
): Insertion {
  const indent = indentOf(source, array.getStart());
  const inner = `${indent}  `;
  const { elements } = array;
  if (elements.length === 0) {
    const open = array.getStart() + 1;
    return {
      at: open,
      text: `\n${entries.map((entry) => `${inner}${entry},`).join('\n')}\n${indent}`,
    };
  }
  const last = elements[elements.length - 1];
  const multiline = source.text.slice(array.getStart(), array.end).includes('\n');
  const elementIndent = multiline ? indentOf(source, last.getStart()) : '';
  if (elements.hasTrailingComma) {
    const comma = source.text.indexOf(',', last.end) + 1;
    const text = multiline
      ? entries.map((entry) => `\n${elementIndent}${entry},`).join('')
      : entries.map((entry) => ` ${entry},`).join('');
    return { at: comma, text };
  }
  const text = multiline
    ? entries.map((entry) => `,\n${elementIndent}${entry}`).join('') + ','
    : entries.map((entry) => `, ${entry}`).join('');
  return { at: last.end, text };
}

function appendToObject(
  source: TypeScript.SourceFile,
  object: TypeScript.ObjectLiteralExpression,
  entries: string[],
): Insertion {
  const last = object.properties[object.properties.length - 1];
  if (last === undefined) return { at: object.getStart() + 1, text: ` ${entries.join(', ')} ` };
  const trailing = object.properties.hasTrailingComma;
  const at = trailing ? source.text.indexOf(',', last.end) + 1 : last.end;
  const lead = trailing ? '' : ',';
  if (!source.text.slice(object.getStart(), object.end).includes('\n')) {
    return { at, text: `${lead} ${entries.join(', ')}` };
  }
  const indent = indentOf(source, last.getStart());
  return { at, text: `${lead}${entries.map((entry) => `\n${indent}${entry},`).join('')}` };
}

function newImportsProperty(
  source: TypeScript.SourceFile,
  metadata: TypeScript.ObjectLiteralExpression,
  entries: string[],
): Insertion {
  const indent = metadata.properties[0]
    ? indentOf(source, metadata.properties[0].getStart())
    : '  ';
  const list = entries.map((entry) => `${indent}  ${entry},`).join('\n');
  return { at: metadata.getStart() + 1, text: `\n${indent}imports: [\n${list}\n${indent}],` };
}

function afterImports(
  ts: typeof TypeScript,
  source: TypeScript.SourceFile,
  lines: string[],
): Insertion {
  const imports = source.statements.filter(ts.isImportDeclaration);
  const last = imports[imports.length - 1];
  return last === undefined
    ? { at: 0, text: `${lines.join('\n')}\n\n` }
    : { at: last.end, text: `\n${lines.join('\n')}` };
}

function applied(text: string, insertions: Insertion[]): string {
  // From the end, so that each position is still where it was found.
  return [...insertions]
    .sort((a, b) => b.at - a.at)
    .reduce(
      (result, { at, text: inserted }) => result.slice(0, at) + inserted + result.slice(at),
      text,
    );
}
