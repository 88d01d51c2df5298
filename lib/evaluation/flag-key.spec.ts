import { evaluate } from './evaluate';
import { flagKeyProblem } from './flag-key';
import { parseFlagSet } from './parse-flag-set';

const flag = { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'on' };

describe('flagKeyProblem', () => {
  it.each([
    [
      'a control character',
      'beta\u0007',
      /"beta\\u\{7\}" holds \\u\{7\}, a control character; remove it/,
    ],
    ['a tab', 'new\tcheckout', /holds \\u\{9\} \(tab\), a control character/],
    [
      'a zero width space',
      'beta\u200b',
      /^the key "beta\\u\{200B\}" holds \\u\{200B\} \(zero width space\), an invisible format character; remove it$/,
    ],
    [
      'a right-to-left override',
      'admin\u202eflag',
      /holds \\u\{202E\} \(right-to-left override\), a bidirectional control, which makes a key display as something it is not; remove it/,
    ],
    [
      'a byte order mark',
      '\ufeffbeta',
      /holds \\u\{FEFF\} \(byte order mark\), an invisible format/,
    ],
    ['a soft hyphen', 'check\u00adout', /holds \\u\{AD\} \(soft hyphen\), an invisible format/],
    ['a lone surrogate', 'beta\ud800', /holds \\u\{D800\}, a lone surrogate/],
    ['a line separator', 'a\u2028b', /holds \\u\{2028\} \(line separator\), a line or paragraph/],
    [
      'a no-break space',
      'new\u00a0checkout',
      /\\u\{A0\} \(no-break space\), whitespace other than a plain space/,
    ],
    ['an ideographic space', '新\u3000功能', /\\u\{3000\} \(ideographic space\), whitespace/],
    [
      'a leading space',
      ' beta',
      /^the key "\\u\{20\}beta" starts with a space \(\\u\{20\}\); remove it, or "x" and " x" are two different flags$/,
    ],
    ['a trailing space', 'beta ', /^the key "beta\\u\{20\}" ends with a space/],
    [
      'text not in NFC',
      'cafe\u0301',
      /^the key "cafe\\u\{301\}" is not in Unicode NFC, in which it is "caf\\u\{E9\}"; write it in NFC/,
    ],
  ])('refuses %s, showing it escaped', (_name, key, message) => {
    expect(flagKeyProblem(key)).toMatch(message);
  });

  it.each([
    'new-checkout',
    'checkout.v2',
    'upload limit (MB)',
    'größe',
    '新功能',
    'café',
    'флаг_1',
    '🚀-launch',
    'a',
  ])('accepts %j', (key) => {
    expect(flagKeyProblem(key)).toBeUndefined();
  });
});

describe('flag keys in a flag set', () => {
  const document = {
    $evaluators: { 'staff\u200b': { var: 'staff' }, 'is staff': { var: 'staff' } },
    flags: {
      'beta\u202e': flag,
      'e\u0301t\u00e9': flag,
      ' spaced': flag,
      größe: flag,
      'new checkout': flag,
    },
  };

  it('are refused in strict mode, flags and evaluators alike, with the key in the path', () => {
    const parsed = parseFlagSet(document);
    expect(parsed.ok ? [] : parsed.errors.map((error) => error.path)).toEqual([
      '/$evaluators/staff\u200b',
      '/flags/beta\u202e',
      '/flags/e\u0301t\u00e9',
      '/flags/ spaced',
    ]);
  });

  it('load leniently, as stored rows always have', () => {
    const parsed = parseFlagSet(document, { lenient: true });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    expect(evaluate(parsed.flagSet, 'beta\u202e', false)).toMatchObject({
      value: true,
      reason: 'STATIC',
    });
    expect(parsed.flagSet.size).toBe(5);
  });
});
