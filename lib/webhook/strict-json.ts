import { type ValidationError, pointer } from '../evaluation/validation-error';

/** How deeply a signed body may nest: far beyond any flag set, far below what costs memory. */
export const MAX_BODY_DEPTH = 128;

interface Frame {
  /** The keys seen so far, for an object; undefined for an array. */
  keys: Set<string> | undefined;
  /** The key or index of the value being read in this container. */
  segment: string | number;
}

// Fatal: bytes that are not UTF-8 would otherwise become U+FFFD, a meaning nobody signed.
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** The end of the string literal that starts at `start` (its opening quote), or -1. */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === BACKSLASH) i++;
    else if (code === QUOTE) return i;
  }
  return -1;
}

/** Where the value being read in `stack[last]` sits (the first frame stands for the document). */
function pathOf(stack: readonly Frame[], last: number): string {
  let path = '';
  for (let i = 1; i <= last; i++) path = pointer(path, stack[i].segment);
  return path;
}

/**
 * One pass over JSON text, before it is parsed: refuses nesting deeper than `maxDepth` (which
 * would cost the parser memory out of proportion to the text) and objects that repeat a key
 * (`JSON.parse` keeps the last one silently; a signer whose parser kept the first one would
 * have signed another meaning). Text that is not JSON is left for the parser to report.
 */
function scan(text: string, maxDepth: number): ValidationError | undefined {
  const stack: Frame[] = [{ keys: undefined, segment: '' }];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) {
      const end = stringEnd(text, i);
      if (end < 0) return undefined;
      const frame = stack[stack.length - 1];
      if (expectKey && frame.keys !== undefined) {
        const raw = text.slice(i + 1, end);
        let key: string;
        try {
          key = raw.includes('\\') ? (JSON.parse(text.slice(i, end + 1)) as string) : raw;
        } catch {
          return undefined;
        }
        if (frame.keys.has(key)) {
          return {
            path: pointer(pathOf(stack, stack.length - 2), key),
            message: `"${key}" appears twice in the same object; send each key once`,
          };
        }
        frame.keys.add(key);
        frame.segment = key;
        expectKey = false;
      }
      i = end;
    } else if (code === 0x7b /* { */ || code === 0x5b /* [ */) {
      if (stack.length > maxDepth) {
        return {
          path: pathOf(stack, stack.length - 1),
          message: `the body nests deeper than ${maxDepth} levels`,
        };
      }
      const isObject = code === 0x7b;
      stack.push({ keys: isObject ? new Set() : undefined, segment: 0 });
      expectKey = isObject;
    } else if (code === 0x7d /* } */ || code === 0x5d /* ] */) {
      if (stack.length > 1) stack.pop();
      expectKey = false;
    } else if (code === 0x2c /* , */) {
      const frame = stack[stack.length - 1];
      if (frame.keys === undefined) frame.segment = (frame.segment as number) + 1;
      else expectKey = true;
    }
  }
  return undefined;
}

/** JSON text read strictly, or what is wrong with it. @internal */
export type StrictJsonResult = { ok: true; value: unknown } | { ok: false; error: ValidationError };

/**
 * Parses a signed body: UTF-8 JSON, nested at most `maxDepth` levels, no key twice in one object.
 * Never throws.
 * @internal
 */
export function parseStrictJson(body: Uint8Array, maxDepth = MAX_BODY_DEPTH): StrictJsonResult {
  let text: string;
  try {
    text = UTF8.decode(body);
  } catch {
    return { ok: false, error: { path: '', message: 'the body is not UTF-8 text' } };
  }
  const problem = scan(text, maxDepth);
  if (problem !== undefined) return { ok: false, error: problem };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return {
      ok: false,
      error: { path: '', message: `the body is not JSON: ${(error as Error).message}` },
    };
  }
}
