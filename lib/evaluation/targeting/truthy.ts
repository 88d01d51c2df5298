/**
 * JsonLogic truthiness as flagd's reference defines it: JavaScript's, except that an empty array,
 * an empty plain object and an empty Map or Set are false. Plain objects are recognised by their
 * constructor's name, so objects from another realm (a worker, a `vm` context) count too.
 * @internal
 */
export function isTruthy(value: unknown): boolean {
  if (!value) return false;
  if (typeof value !== 'object') return true;
  if (Array.isArray(value)) return value.length > 0;
  if (value instanceof Map || value instanceof Set) return value.size > 0;
  const constructor = (value as { constructor?: { name?: unknown } }).constructor;
  // flagd's reference fails on objects without a prototype; we treat them as plain objects.
  if (constructor === undefined || constructor?.name === 'Object')
    return Object.keys(value).length > 0;
  return true;
}
