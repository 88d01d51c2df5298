import { join } from 'node:path';
import type { CodeReference } from '../staleness';
import type { CliIo } from './io';
import { UsageError } from './output';
import { shown } from './printable';
import { maskSource } from './source-mask';

/**
 * A place that names a flag with something other than a string literal (a variable, a
 * concatenation, `evaluateAll()`): which flags it uses cannot be told from the source, so a
 * flag reported `unreferenced` may still be used there.
 * @internal
 */
export interface DynamicReference {
  file: string;
  line: number;
  call: string;
  /** The first argument as written (shortened), or '' for `evaluateAll()`. */
  expression: string;
}

/** What a scan of one file, or of a folder, found. @internal */
export interface CodeReferences {
  references: CodeReference[];
  dynamic: DynamicReference[];
}

/** A scan of a folder. @internal */
export interface SourceScan extends CodeReferences {
  /** Source files read. */
  files: number;
}

const SKIPPED_FOLDERS = new Set(['node_modules', 'dist', '.git', 'coverage']);
const SOURCE_FILE = /\.(?:[cm]?[jt]s|[jt]sx)$/;

/**
 * The calls that name flags: the decorators anywhere, and FlagService's methods. The methods'
 * names are common (Playwright's `page.evaluate('…')`, a config's `getString('…')`), so they
 * count only in files that name FlagService, and the typed getters only with a default after the
 * key, as FlagService's always have. `getObject<T>(` may carry type arguments.
 */
const CALL =
  /@\s*(FeatureFlag|FlagValue)\s*\(|\.\s*(isEnabled|getBoolean|getString|getNumber|getObject|evaluateAll|evaluate)\s*(?:<[^<>()]*(?:<[^<>()]*>[^<>()]*)*>\s*)?\(/g;
const NEEDS_DEFAULT = new Set(['getBoolean', 'getString', 'getNumber', 'getObject']);
const NAMES_FLAG_SERVICE = /\bFlagService\b/;

/** A whole string literal without interpolation: '…', "…" or `…`. */
const LITERAL =
  /^(?:'((?:[^'\\\n]|\\[\s\S])*)'|"((?:[^"\\\n]|\\[\s\S])*)"|`((?:[^`\\$]|\\[\s\S]|\$(?!\{))*)`)$/;
const ESCAPES: Record<string, string> = {
  n: '\n',
  r: '\r',
  t: '\t',
  b: '\b',
  f: '\f',
  v: '\v',
  0: '\0',
};

function unescape(body: string): string {
  return body.replace(
    /\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|\r\n|[\s\S])/g,
    (_, code: string) => {
      if (code.startsWith('u{')) return String.fromCodePoint(parseInt(code.slice(2, -1), 16));
      if (code.length > 1 && (code[0] === 'u' || code[0] === 'x')) {
        return String.fromCharCode(parseInt(code.slice(1), 16));
      }
      if (code === '\n' || code === '\r\n') return ''; // a line continuation
      return ESCAPES[code] ?? code;
    },
  );
}

/** Where the argument starting at `from` ends: the `,` or `)` closing it at its own depth. */
function argumentEnd(mask: string, from: number): number {
  let depth = 0;
  for (let k = from; k < mask.length; k++) {
    const ch = mask[k];
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') {
      if (depth === 0) return k;
      depth--;
    } else if (ch === ',' && depth === 0) return k;
  }
  return mask.length;
}

/** 1-based line of a position, from the offsets where lines start. */
function lineOf(lineStarts: number[], position: number): number {
  let low = 0;
  let high = lineStarts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (lineStarts[middle] <= position) low = middle;
    else high = middle - 1;
  }
  return low + 1;
}

/**
 * The flags one source file names: `@FeatureFlag('key'…)`, `@FlagValue('key'…)`, and
 * FlagService calls whose first argument is a string literal (a template without `${}` counts).
 * Anything else as the first argument is a dynamic reference. Comments and strings are ignored.
 * @internal
 */
export function findCodeReferences(source: string, file: string): CodeReferences {
  const mask = maskSource(source);
  const methodsCount = NAMES_FLAG_SERVICE.test(mask);
  const lineStarts = [0];
  for (let k = source.indexOf('\n'); k >= 0; k = source.indexOf('\n', k + 1)) {
    lineStarts.push(k + 1);
  }
  const found: CodeReferences = { references: [], dynamic: [] };
  for (const match of mask.matchAll(CALL)) {
    const decorator = match[1];
    const call = decorator === undefined ? match[2] : `@${decorator}`;
    if (decorator === undefined && !methodsCount) continue;
    let start = (match.index ?? 0) + match[0].length;
    while (start < mask.length && /\s/.test(mask[start])) start++;
    const line = lineOf(lineStarts, start);
    if (call === 'evaluateAll') {
      found.dynamic.push({
        file,
        line: lineOf(lineStarts, match.index ?? 0),
        call,
        expression: '',
      });
      continue;
    }
    if (mask[start] === ')' || start >= mask.length) continue; // no argument: not a flag
    const end = argumentEnd(mask, start);
    if (NEEDS_DEFAULT.has(call) && mask[end] !== ',') continue;
    const written = source.slice(start, end).trim();
    const literal = LITERAL.exec(written);
    const key = literal === null ? undefined : unescape(literal[1] ?? literal[2] ?? literal[3]);
    if (key !== undefined && key !== '') {
      found.references.push({ key, file, line, call });
    } else if (key === undefined) {
      const expression = written.replace(/\s+/g, ' ');
      found.dynamic.push({
        file,
        line,
        call,
        expression: expression.length > 60 ? `${expression.slice(0, 57)}...` : expression,
      });
    }
  }
  return found;
}

/**
 * Reads every JavaScript and TypeScript file below `dir` (not node_modules, dist, .git or
 * coverage; symbolic links are not followed) and finds the flags each names, with paths
 * relative to `dir`.
 * @internal
 */
export function scanCodeReferences(
  io: Pick<CliIo, 'listDirectory' | 'readFile'>,
  dir: string,
): SourceScan {
  const scan: SourceScan = { files: 0, references: [], dynamic: [] };
  const read = <T>(path: string, what: () => T): T => {
    try {
      return what();
    } catch (error) {
      const reason = (error as { code?: string }).code ?? (error as Error).message;
      if (path === dir) {
        throw new UsageError(
          shown`--src ${dir} cannot be read as a folder (${reason}); pass the folder of the application's source, e.g. --src src`,
        );
      }
      throw new UsageError(shown`cannot read ${path} (${reason}); check its permissions`);
    }
  };
  const visit = (parts: string[]) => {
    const path = parts.length === 0 ? dir : join(dir, ...parts);
    const entries = read(path, () => io.listDirectory(path));
    for (const entry of [...entries].sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (entry.kind === 'directory' && !SKIPPED_FOLDERS.has(entry.name)) {
        visit([...parts, entry.name]);
      } else if (entry.kind === 'file' && SOURCE_FILE.test(entry.name)) {
        const file = join(path, entry.name);
        const source = read(file, () => io.readFile(file)).toString('utf8');
        const found = findCodeReferences(source, [...parts, entry.name].join('/'));
        scan.files++;
        scan.references.push(...found.references);
        scan.dynamic.push(...found.dynamic);
      }
    }
  };
  visit([]);
  return scan;
}
