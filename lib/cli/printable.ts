/*
 * Flag keys, variant names, metadata, the application's answers, file contents, paths and error
 * messages can hold characters a terminal does not show as themselves: an escape sequence can
 * retitle the terminal or move the cursor, a bidi override reorders what follows, a zero-width
 * character makes two different keys look alike. Everything the CLI prints goes through here.
 */

/**
 * Controls (Cc), format characters (Cf: bidi controls, zero-width characters, the soft hyphen,
 * the BOM), lone surrogates (Cs), private use (Co), line and paragraph separators (Zl, Zp), and
 * white space (of which the caller keeps the plain space, and the output keeps its own newlines).
 */
const CATEGORIES = String.raw`[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Zl}\p{Zp}\p{White_Space}]`;
/** One code point a value cannot show as is: a newline or tab in a value is escaped too. */
const IN_VALUE = String.raw`(?! )${CATEGORIES}`;
/** The same in text the CLI built, whose own line breaks stay. */
const IN_TEXT = String.raw`(?![ \n])${CATEGORIES}`;

const VALUE_CHARACTER = new RegExp(IN_VALUE, 'gu');
/** Backslashes that would otherwise read as part of an escape: before `u{` or before an escape. */
const VALUE_BACKSLASHES = new RegExp(String.raw`\\+(?=u\{|${IN_VALUE})`, 'gu');
const TEXT_CHARACTER = new RegExp(IN_TEXT, 'gu');
/** Not before `u{`: text built from escaped values holds their escapes, to be kept as they are. */
const TEXT_BACKSLASHES = new RegExp(String.raw`\\+(?=${IN_TEXT})`, 'gu');

const hex = (code: number, digits: number) => code.toString(16).padStart(digits, '0');

const braceEscape = (character: string) =>
  `\\u{${hex(character.codePointAt(0) ?? 0, 4).toUpperCase()}}`;

/** `\uXXXX` for each UTF-16 unit, as JSON writes escapes (astral code points as a pair). */
const jsonEscape = (character: string) =>
  Array.from({ length: character.length }, (_, k) => `\\u${hex(character.charCodeAt(k), 4)}`).join(
    '',
  );

/**
 * One value as a terminal can show it: every code point that is a control, a format character
 * (bidi controls, zero-width characters, soft hyphen, BOM), a lone surrogate, private use, a line
 * or paragraph separator, or white space other than the plain space (newlines and tabs included)
 * is written `\u{XXXX}` (hex, at least 4 digits). Anything printable (`größe`, `新功能`, emoji)
 * stays. A backslash stays as is, except that a run of backslashes right before `u{` or before
 * an escape is doubled: `\u{…}` after an even number of backslashes (none included) is then an
 * escape, and every other backslash is the value's own.
 *
 * Escape each value once: escaping the result again doubles the backslashes of its escapes.
 * @internal
 */
export function printable(value: string): string {
  return value.replace(VALUE_BACKSLASHES, '$&$&').replace(VALUE_CHARACTER, braceEscape);
}

/**
 * A template literal whose interpolated values are each made {@link printable}, its literal
 * parts (the CLI's own words and line breaks) kept: `` shown`cannot read ${file}: ${reason}` ``.
 * Interpolate raw values, never text that `shown` already built.
 * @internal
 */
export function shown(literals: TemplateStringsArray, ...values: unknown[]): string {
  return literals.reduce(
    (text, literal, index) => `${text}${printable(String(values[index - 1]))}${literal}`,
  );
}

/**
 * Text the CLI built, made safe to write as a whole: the same escapes as {@link printable}, but
 * its line breaks stay and backslashes before `u{` are left alone, so values escaped while
 * building it come out unchanged. Catches what a message did not escape itself.
 * @internal
 */
export function printableText(text: string): string {
  return text.replace(TEXT_BACKSLASHES, '$&$&').replace(TEXT_CHARACTER, braceEscape);
}

/**
 * Pretty JSON with every character {@link printable} would escape written as a JSON `\uXXXX`
 * escape. `JSON.stringify` escapes only U+0000 to U+001F (and lone surrogates), leaving DEL, the
 * C1 controls, bidi controls, zero-width characters and U+2028/U+2029 raw, which a terminal
 * showing `--json` would act on; the escaped document parses to the same values.
 * @internal
 */
export function printableJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(TEXT_CHARACTER, jsonEscape);
}
