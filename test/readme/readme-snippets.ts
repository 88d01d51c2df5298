import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A fenced block of README.md, with what the text around it says about it. */
export interface Snippet {
  readonly language: string;
  readonly code: string;
  /** The README line its fence opens on, for messages. */
  readonly line: number;
  /** Where it belongs in an application: `<!-- file: … -->` before it, or a `// path` first line. */
  readonly file?: string;
  /** Declarations it is compiled with, unseen by readers: `<!-- compiled with: … -->` before it. */
  readonly prelude: string;
}

const FENCE = /^( *)```(\w*)\s*$/;
const FILE_COMMENT = /^<!-- file: (\S+) -->$/;
const PRELUDE_COMMENT = /^<!-- compiled with: ([\s\S]*?) -->$/;
const PATH_LINE = /^\/\/ ((?:src|test)\/[\w./-]+\.ts)$/;

/** Every fenced block of README.md, in order. */
export function readmeSnippets(root = join(__dirname, '../..')): Snippet[] {
  const lines = readFileSync(join(root, 'README.md'), 'utf8').split('\n');
  const snippets: Snippet[] = [];
  let comment: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]);
    if (open === null) {
      const text = lines[i].trim();
      if (text.startsWith('<!--')) comment = text;
      else if (text !== '') comment = undefined;
      continue;
    }
    const start = i;
    const body: string[] = [];
    // A block inside a list item is indented: its code is not.
    const indent = open[1].length;
    while (++i < lines.length && !lines[i].trimStart().startsWith('```')) {
      body.push(lines[i].slice(indent));
    }
    const code = body.join('\n');
    const file = FILE_COMMENT.exec(comment ?? '')?.[1] ?? PATH_LINE.exec(body[0] ?? '')?.[1];
    const prelude = PRELUDE_COMMENT.exec(comment ?? '')?.[1] ?? '';
    snippets.push({ language: open[2], code, line: start + 1, file, prelude });
    comment = undefined;
  }
  return snippets;
}
