import { existsSync, readFileSync } from 'fs';
import { dirname, join, relative, resolve, sep } from 'path';
import { importsOf, sourceFiles } from './import-rules';

/*
 * The shape of lib/ (docs/architecture.md): a folder per feature around a shared kernel, and
 * arrows that point toward the kernel, never back and never round in a circle.
 *
 * - Kernel: core/ (the state served, FlagService, context, guard, counting), ports/ (the store's
 *   contracts), evaluation/ and staleness/ (pure). Any feature may use any file of the kernel;
 *   the kernel uses no feature.
 * - Features: store/, sync/, usage/, webhook/, ofrep/, metrics/, telemetry/, openfeature/, cli/,
 *   entities/. A feature uses another feature only through that feature's index.ts, its public
 *   face.
 * - Composition roots: the files directly in lib/ and testing/ (the modules, the options, the
 *   package's entry points) may use anything; nothing uses them.
 * - No import cycle at all, type-only imports included: a cycle of type imports turns into a
 *   class that is undefined at decoration time the day one of them imports a value.
 * - TypeORM is used only by store/, entities/ and the composition roots.
 */

const LIB = resolve(__dirname, '..', '..', 'lib');
const KERNEL = new Set(['core', 'ports', 'evaluation', 'staleness']);
const ROOTS = new Set(['', 'testing']);

/** The folder a file of lib/ belongs to: '' for the files directly in lib/. */
function sliceOf(file: string): string {
  const parts = relative(LIB, file).split(sep);
  return parts.length === 1 ? '' : parts[0];
}

function fileOf(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier);
  return [`${base}.ts`, join(base, 'index.ts')].find((path) => existsSync(path));
}

const files = sourceFiles(LIB).filter((file) => !file.endsWith('.spec.ts'));

/** Every relative import inside lib/, as file -> file. */
const edges: Array<{ from: string; to: string }> = files.flatMap((from) =>
  importsOf(readFileSync(from, 'utf8'))
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => ({ from, to: fileOf(from, specifier) }))
    .filter((edge): edge is { from: string; to: string } => edge.to?.startsWith(LIB) === true),
);

const shown = (file: string) => relative(LIB, file);

/** Strongly connected components of more than one file (or a file importing itself). */
function cycles(): string[][] {
  const next = new Map<string, string[]>();
  for (const { from, to } of edges) next.set(from, [...(next.get(from) ?? []), to]);
  let index = 0;
  const indexes = new Map<string, number>();
  const lowest = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const connect = (file: string): void => {
    indexes.set(file, index);
    lowest.set(file, index++);
    stack.push(file);
    onStack.add(file);
    for (const to of next.get(file) ?? []) {
      if (!indexes.has(to)) {
        connect(to);
        lowest.set(file, Math.min(lowest.get(file)!, lowest.get(to)!));
      } else if (onStack.has(to)) {
        lowest.set(file, Math.min(lowest.get(file)!, indexes.get(to)!));
      }
    }
    if (lowest.get(file) !== indexes.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(shown(member));
    } while (member !== file);
    if (component.length > 1 || (next.get(file) ?? []).includes(file)) found.push(component);
  };
  for (const file of files) if (!indexes.has(file)) connect(file);
  return found;
}

describe('the slices of lib/', () => {
  it('has no import cycle, type-only imports included', () => {
    expect(cycles()).toEqual([]);
  });

  it('keeps the kernel free of features, and features out of each other', () => {
    const crossings = edges
      .map(({ from, to }) => ({ from, to, fromSlice: sliceOf(from), toSlice: sliceOf(to) }))
      .filter(({ fromSlice, toSlice }) => fromSlice !== toSlice)
      .filter(({ fromSlice, toSlice, to }) => {
        if (ROOTS.has(fromSlice)) return false;
        if (ROOTS.has(toSlice)) return true;
        if (KERNEL.has(fromSlice)) return !KERNEL.has(toSlice);
        if (KERNEL.has(toSlice)) return false;
        return relative(join(LIB, toSlice), to) !== 'index.ts';
      })
      .map(({ from, to }) => `${shown(from)} -> ${shown(to)}`);
    expect(crossings).toEqual([]);
  });

  it('keeps the pure parts pure: evaluation/ and staleness/ use nothing outside themselves but each other', () => {
    const impure = edges
      .filter(({ from }) => ['evaluation', 'staleness'].includes(sliceOf(from)))
      .filter(({ to }) => !['evaluation', 'staleness'].includes(sliceOf(to)))
      .map(({ from, to }) => `${shown(from)} -> ${shown(to)}`);
    expect(impure).toEqual([]);
  });

  it('uses TypeORM only in store/, entities/ and the composition roots', () => {
    const users = files
      .filter((file) => !['store', 'entities', ...ROOTS].includes(sliceOf(file)))
      .filter((file) =>
        importsOf(readFileSync(file, 'utf8')).some(
          (specifier) => specifier === 'typeorm' || specifier === '@nestjs/typeorm',
        ),
      )
      .map(shown);
    expect(users).toEqual([]);
  });

  it('can see a cycle and a crossing (the rules are not vacuous)', () => {
    expect(edges.length).toBeGreaterThan(200);
    expect(new Set(files.map(sliceOf))).toEqual(
      new Set([
        ...KERNEL,
        ...ROOTS,
        'store',
        'sync',
        'usage',
        'webhook',
        'ofrep',
        'metrics',
        'telemetry',
        'openfeature',
        'cli',
        'entities',
      ]),
    );
  });
});
