import { notANumber } from './targeting-error';

/**
 * Rejects what cannot take part in arithmetic (NaN, objects, arrays) and passes everything else
 * through unchanged, as flagd's reference does before applying `+`.
 * @internal
 */
export function precoerceNumber(value: unknown, operator: string): unknown {
  if (Number.isNaN(value)) throw notANumber(operator);
  if (!value) return value;
  if (typeof value === 'object') throw notANumber(operator);
  return value;
}

/**
 * Prepares the right operand of a comparison. Two strings (or nulls) compare as strings; otherwise
 * both sides must be numeric, and null compares equal to other falsy values.
 * @internal
 */
export function compareCheck(
  item: unknown,
  prev: unknown,
  strict: boolean,
  operator: string,
): unknown {
  if (
    strict ||
    ((typeof item === 'string' || item === null) && (typeof prev === 'string' || prev === null))
  ) {
    return item;
  }
  if (Number.isNaN(+(precoerceNumber(item, operator) as number)) && prev !== null)
    throw notANumber(operator);
  if (Number.isNaN(+(precoerceNumber(prev, operator) as number))) throw notANumber(operator);
  if (prev === null && !item) return null;
  if (item === null && !prev) return 0;
  return item;
}
