/*
 * What a flag key or evaluator name may hold, in strict mode. A key is matched exactly, code unit
 * by code unit, so characters nobody can see, or that display the key as something else, make two
 * keys that look the same (in code, logs, dashboards, a review) name different flags: invisible
 * format characters, bidirectional controls, control characters, whitespace other than a plain
 * space, spaces at either end, and text that is not in Unicode NFC (the composed form keyboards
 * produce). Letters of any script, digits, punctuation, symbols and inner spaces are fine.
 */

const CONTROL = /\p{Cc}/u;
const FORMAT = /\p{Cf}/u;
const SURROGATE = /\p{Cs}/u;
const SEPARATOR = /[\p{Zl}\p{Zp}]/u;
const WHITESPACE = /[\p{Zs}\p{White_Space}]/u;
const BIDI_CONTROLS = new Set([
  0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069,
]);
const NAMES: Readonly<Record<number, string>> = {
  0x00: 'null',
  0x09: 'tab',
  0x0a: 'line feed',
  0x0d: 'carriage return',
  0x7f: 'delete',
  0xa0: 'no-break space',
  0xad: 'soft hyphen',
  0x061c: 'arabic letter mark',
  0x200b: 'zero width space',
  0x200c: 'zero width non-joiner',
  0x200d: 'zero width joiner',
  0x200e: 'left-to-right mark',
  0x200f: 'right-to-left mark',
  0x2028: 'line separator',
  0x2029: 'paragraph separator',
  0x202a: 'left-to-right embedding',
  0x202b: 'right-to-left embedding',
  0x202c: 'pop directional formatting',
  0x202d: 'left-to-right override',
  0x202e: 'right-to-left override',
  0x2060: 'word joiner',
  0x2066: 'left-to-right isolate',
  0x2067: 'right-to-left isolate',
  0x2068: 'first strong isolate',
  0x2069: 'pop directional isolate',
  0x3000: 'ideographic space',
  0xfeff: 'byte order mark',
};

function escaped(code: number): string {
  return `\\u{${code.toString(16).toUpperCase()}}`;
}

/** The key in quotes, with the characters `escape` picks written as `\u{...}`. */
function show(key: string, escape: (char: string, code: number) => boolean): string {
  let text = '';
  for (const char of key) {
    const code = char.codePointAt(0) as number;
    text += escape(char, code) ? escaped(code) : char;
  }
  return `"${text}"`;
}

/** What is wrong with one character, and what to do; undefined when it is fine. */
function characterProblem(char: string, code: number): string | undefined {
  if (code === 0x20) return undefined;
  if (SURROGATE.test(char)) {
    return 'a lone surrogate (half of a UTF-16 pair, not a character); fix whatever encoded the key';
  }
  if (CONTROL.test(char)) return 'a control character; remove it (a key is one line of text)';
  if (FORMAT.test(char)) {
    return BIDI_CONTROLS.has(code)
      ? 'a bidirectional control, which makes a key display as something it is not; remove it'
      : 'an invisible format character; remove it';
  }
  if (SEPARATOR.test(char)) return 'a line or paragraph separator; remove it';
  if (WHITESPACE.test(char)) {
    return 'whitespace other than a plain space (U+0020); use a plain space or a hyphen';
  }
  return undefined;
}

function isPrintableAscii(key: string): boolean {
  for (let i = 0; i < key.length; i++) {
    const code = key.charCodeAt(i);
    if (code < 0x20 || code > 0x7e) return false;
  }
  return true;
}

/**
 * Why strict mode refuses `key` as a flag key or an evaluator name, with what to do; undefined
 * when the key is fine. Shared by every layer that accepts keys, so that all refuse the same ones.
 * @example flagKeyProblem('beta\u200b') // 'the key "beta\u{200B}" holds \u{200B} (zero width space), ...'
 * @internal
 */
export function flagKeyProblem(key: string): string | undefined {
  if (!isPrintableAscii(key)) {
    for (const char of key) {
      const code = char.codePointAt(0) as number;
      const problem = characterProblem(char, code);
      if (problem === undefined) continue;
      const name = NAMES[code] === undefined ? '' : ` (${NAMES[code]})`;
      const shown = show(key, (c, n) => characterProblem(c, n) !== undefined);
      return `the key ${shown} holds ${escaped(code)}${name}, ${problem}`;
    }
  }
  const edge = key.startsWith(' ') ? 'starts' : key.endsWith(' ') ? 'ends' : undefined;
  if (edge !== undefined) {
    const shown = show(key, (_, code) => code === 0x20);
    return `the key ${shown} ${edge} with a space (\\u{20}); remove it, or "x" and " x" are two different flags`;
  }
  if (!isPrintableAscii(key)) {
    const composed = key.normalize('NFC');
    if (composed !== key) {
      const ascii = (_: string, code: number) => code > 0x7e;
      return `the key ${show(key, ascii)} is not in Unicode NFC, in which it is ${show(composed, ascii)}; write it in NFC (the composed form keyboards produce; in JavaScript, key.normalize('NFC')) so that it matches the key as others type it`;
    }
  }
  return undefined;
}
