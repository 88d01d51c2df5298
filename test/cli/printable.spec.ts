import { printable, printableJson, printableText, shown } from '../../lib/cli/printable';

/*
 * The escaping every human-readable line of the CLI goes through: what is escaped, what stays,
 * and that a reader can always tell an escape from the value's own backslashes.
 */

/** Undoes `printable`: odd runs of backslashes before `u{…}` end in an escape. */
function unescape(text: string): string {
  return text.replace(/(\\+)(?=u\{)(u\{([0-9A-F]+)\})?/g, (_, slashes: string, escape, hex) => {
    const literal = '\\'.repeat(Math.floor(slashes.length / 2));
    if (slashes.length % 2 === 0) return `${literal}${escape ?? ''}`;
    return `${literal}${String.fromCodePoint(parseInt(hex as string, 16))}`;
  });
}

describe('printable', () => {
  it.each([
    ['\u001b]0;pwned\u0007x', '\\u{001B}]0;pwned\\u{0007}x'],
    ['\u001b[2J\u001b[31mred', '\\u{001B}[2J\\u{001B}[31mred'],
    ['admin\u202Egnp.exe', 'admin\\u{202E}gnp.exe'],
    ['\u2066isolated\u2069', '\\u{2066}isolated\\u{2069}'],
    [
      'beta\u200Bdash\u200C\u200D\u2060\uFEFF',
      'beta\\u{200B}dash\\u{200C}\\u{200D}\\u{2060}\\u{FEFF}',
    ],
    ['nul\u0000key', 'nul\\u{0000}key'],
    ['tab\tkey', 'tab\\u{0009}key'],
    ['two\nlines\r', 'two\\u{000A}lines\\u{000D}'],
    ['del\u007f csi\u009b nel\u0085', 'del\\u{007F} csi\\u{009B} nel\\u{0085}'],
    ['soft\u00ADhyphen', 'soft\\u{00AD}hyphen'],
    ['line\u2028para\u2029', 'line\\u{2028}para\\u{2029}'],
    ['nbsp\u00A0ideographic\u3000thin\u2009', 'nbsp\\u{00A0}ideographic\\u{3000}thin\\u{2009}'],
    ['lone \uD800 surrogate \uDFFF', 'lone \\u{D800} surrogate \\u{DFFF}'],
    ['private \uE000 \u{F0000}', 'private \\u{E000} \\u{F0000}'],
    ['tag \u{E0001}', 'tag \\u{E0001}'],
  ])('escapes %j', (value, expected) => {
    expect(printable(value)).toBe(expected);
    expect(unescape(printable(value))).toBe(value);
  });

  it.each(['new-checkout', 'größe', '新功能', 'функция', 'مرحبا', '🚀 launch', '❤️', 'a b', ''])(
    'leaves printable text unchanged: %j',
    (value) => {
      expect(printable(value)).toBe(value);
    },
  );

  it('keeps backslashes, doubling only a run that would read as part of an escape', () => {
    expect(printable('C:\\Users\\ada\\flags.json')).toBe('C:\\Users\\ada\\flags.json');
    expect(printable('"\\u001b" and \\\\n')).toBe('"\\u001b" and \\\\n');
    expect(printable('\\u{1B}')).toBe('\\\\u{1B}');
    expect(printable('\\\\u{1B}')).toBe('\\\\\\\\u{1B}');
    expect(printable('\\\u001b')).toBe('\\\\\\u{001B}');
    for (const value of ['\\u{1B}', '\\\\u{1B}', '\\\u001b', '\\\\\u001bu{', 'x\\', 'u{41}']) {
      expect(unescape(printable(value))).toBe(value);
    }
  });

  it('escapes every value of a shown`…` template, not its own text', () => {
    const key = 'fake\nNo flag to act on.';
    expect(shown`${key} (${3} days)\n`).toBe('fake\\u{000A}No flag to act on. (3 days)\n');
  });

  it('escapes text the CLI built but keeps its line breaks and the escapes already in it', () => {
    const built = `${printable('a\u001b')}: first\nsecond\u202E\tthird\\\u0007`;
    expect(printableText(built)).toBe(
      'a\\u{001B}: first\nsecond\\u{202E}\\u{0009}third\\\\\\u{0007}',
    );
    expect(printableText(printableText(built))).toBe(printableText(built));
  });

  it('writes JSON with those characters as \\uXXXX escapes, parsing to the same values', () => {
    const value = {
      'key\u202E\u200B': [
        '\u2028\u2029',
        'del\u007f\u009b',
        '\u{F0000}',
        'größe 🚀',
        'tab\t\u001b',
      ],
    };
    const json = printableJson(value);
    expect(json).toContain('"key\\u202e\\u200b"');
    expect(json).toContain('"\\u2028\\u2029"');
    expect(json).toContain('"del\\u007f\\u009b"');
    expect(json).toContain('"\\udb80\\udc00"');
    expect(json).toContain('"größe 🚀"');
    expect(json).toContain('"tab\\t\\u001b"');
    expect(json).not.toMatch(/(?![ \n])[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Zl}\p{Zp}\p{White_Space}]/u);
    expect(JSON.parse(json)).toEqual(value);
  });
});
