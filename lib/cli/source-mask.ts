/** After these, a `/` starts a regular expression rather than a division. */
const REGEX_AFTER = new Set([...'(,=:[!&|?{};+-*%<>~^']);
const REGEX_AFTER_WORD =
  /(?:^|[^\w$])(?:return|typeof|instanceof|in|of|new|delete|void|throw|case|do|else|yield|await)$/;

/**
 * JavaScript or TypeScript source with comments and the contents of string, template and regular
 * expression literals replaced by spaces: the same length and the same lines, so a position found
 * in the mask is the same position in the source. What looks like a call inside a comment (a
 * JSDoc example) or a string (a test's title) is then no longer one, and brackets balance.
 *
 * A lexer, not a parser: where JavaScript is ambiguous (a `/` after `)` is taken as a division)
 * a misreading stops at the end of the line, since none of these literals spans lines unescaped.
 * Code inside `${…}` stays visible.
 * @internal
 */
export function maskSource(source: string): string {
  // UTF-16 code units, as string positions count them (not code points).
  const out = source.split('');
  const n = out.length;
  const blank = (from: number, to: number) => {
    for (let k = from; k < to && k < n; k++) if (out[k] !== '\n' && out[k] !== '\r') out[k] = ' ';
  };
  /** For each template whose `${` is open, the `{` opened inside it and not closed yet. */
  const templates: number[] = [];
  let previous = -1; // the last character of code that is not white space

  /** From just after a backtick or a `}` closing `${`: to the end of the template or its next `${`. */
  const templatePart = (from: number): number => {
    let k = from;
    while (k < n) {
      const ch = out[k];
      if (ch === '\\') {
        blank(k, k + 2);
        k += 2;
      } else if (ch === '`') {
        return k + 1;
      } else if (ch === '$' && out[k + 1] === '{') {
        templates.push(0);
        return k + 2;
      } else {
        blank(k, k + 1);
        k++;
      }
    }
    return n;
  };

  const quoted = (from: number, quote: string): number => {
    let k = from;
    while (k < n) {
      const ch = out[k];
      if (ch === '\\') {
        blank(k, k + 2);
        k += 2;
      } else if (ch === quote) {
        return k + 1;
      } else if (ch === '\n') {
        return k; // unterminated: do not let it swallow the file
      } else {
        blank(k, k + 1);
        k++;
      }
    }
    return n;
  };

  /** The end of a regular expression literal starting at `from` (its `/`), or -1 if none. */
  const regex = (from: number): number => {
    let inClass = false;
    for (let k = from + 1; k < n && out[k] !== '\n'; k++) {
      const ch = out[k];
      if (ch === '\\') k++;
      else if (ch === '[') inClass = true;
      else if (ch === ']') inClass = false;
      else if (ch === '/' && !inClass) return k;
    }
    return -1;
  };

  const startsRegex = (): boolean => {
    if (previous < 0) return true;
    const ch = out[previous];
    if (REGEX_AFTER.has(ch)) return true;
    return REGEX_AFTER_WORD.test(source.slice(Math.max(0, previous - 11), previous + 1));
  };

  let i = 0;
  while (i < n) {
    const ch = out[i];
    const next = out[i + 1];
    if (ch === '/' && next === '/') {
      let end = source.indexOf('\n', i);
      if (end < 0) end = n;
      blank(i, end);
      i = end;
    } else if (ch === '/' && next === '*') {
      const close = source.indexOf('*/', i + 2);
      const end = close < 0 ? n : close + 2;
      blank(i, end);
      i = end;
    } else if (ch === "'" || ch === '"') {
      i = quoted(i + 1, ch);
      previous = i - 1;
    } else if (ch === '`') {
      i = templatePart(i + 1);
      previous = i - 1;
    } else if (ch === '/' && startsRegex() && regex(i) > 0) {
      const end = regex(i);
      blank(i + 1, end);
      previous = end;
      i = end + 1;
    } else {
      if (ch === '{' && templates.length > 0) {
        templates[templates.length - 1]++;
      } else if (ch === '}' && templates.length > 0) {
        if (templates[templates.length - 1] === 0) {
          templates.pop();
          i = templatePart(i + 1);
          previous = i - 1;
          continue;
        }
        templates[templates.length - 1]--;
      }
      if (!/\s/.test(ch)) previous = i;
      i++;
    }
  }
  return out.join('');
}
