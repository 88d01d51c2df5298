/** A number JSON cannot represent (NaN, or Infinity from a literal such as 1e400). @internal */
export class NonFiniteNumberError extends TypeError {
  constructor() {
    super(
      'a number JSON cannot represent (NaN, or Infinity from a literal such as 1e400): write it within ±1.7e308',
    );
    this.name = 'NonFiniteNumberError';
  }
}

/**
 * RFC 8785 (JSON Canonicalization Scheme): object keys sorted by UTF-16 code units, no
 * whitespace, numbers and strings serialised as ECMAScript does. Two parties that hold the same
 * data produce the same bytes, so a checksum proves they hold the same flags.
 * @internal
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new NonFiniteNumberError();
    }
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value)
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .sort();
  const members = keys.map(
    (key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`,
  );
  return `{${members.join(',')}}`;
}
