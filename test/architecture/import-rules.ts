import { readdirSync, readFileSync, statSync } from 'fs';
import { dirname, join, relative, resolve } from 'path';

/** One import (or require) found in a source file. */
export interface ImportSite {
  file: string;
  specifier: string;
}

const IMPORT_PATTERN =
  /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|require\s*\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]/g;

/** Every module specifier a TypeScript source imports or requires. */
export function importsOf(source: string): string[] {
  const found: string[] = [];
  for (const match of source.matchAll(IMPORT_PATTERN)) {
    found.push(match[1] ?? match[2] ?? match[3] ?? match[4]);
  }
  return found;
}

/** The .ts files below `folder`, specs included. */
export function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/**
 * The imports of `folder` that break its purity rule: anything that is not a relative import
 * staying inside the folder (no package, no Node built-in, no other part of the library).
 */
export function impureImports(folder: string, files: string[] = sourceFiles(folder)): ImportSite[] {
  const root = resolve(folder);
  return files
    .filter((file) => !file.endsWith('.spec.ts'))
    .flatMap((file) =>
      importsOf(readFileSync(file, 'utf8')).map((specifier) => ({ file, specifier })),
    )
    .filter(({ file, specifier }) => {
      if (!specifier.startsWith('.')) return true;
      const target = resolve(dirname(file), specifier);
      return relative(root, target).startsWith('..');
    });
}

/** Dynamic code generation from strings: never allowed in the evaluation layer. */
export function dynamicCode(source: string): string[] {
  return [...source.matchAll(/\bnew\s+Function\s*\(|\beval\s*\(/g)].map((match) => match[0]);
}
