/**
 * One problem found in a flag set: where (a JSON pointer into the document, RFC 6901) and what to
 * do about it.
 * @example { path: '/flags/new-checkout/defaultVariant', message: 'unknown variant "of"; ...' }
 * @publicApi
 */
export interface ValidationError {
  path: string;
  message: string;
}

/** Appends a key to a JSON pointer. @internal */
export function pointer(base: string, key: string | number): string {
  const segment = String(key);
  if (!segment.includes('~') && !segment.includes('/')) return `${base}/${segment}`;
  return `${base}/${segment.replace(/~/g, '~0').replace(/\//g, '~1')}`;
}
