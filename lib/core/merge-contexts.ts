import type { EvaluationContext } from '../evaluation';

const hasOwn = Object.prototype.hasOwnProperty;

function copy(from: EvaluationContext, to: Record<string, unknown>): void {
  for (const key in from) {
    if (!hasOwn.call(from, key)) continue;
    if (key === '__proto__') {
      // An own property, as a spread defines it: never the new object's prototype.
      Object.defineProperty(to, key, {
        value: from[key],
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else {
      to[key] = from[key];
    }
  }
}

/**
 * `{ ...under, ...over }`, by a loop. On Node 20 (V8 11.3) spreading two objects whose keys
 * differ takes about a microsecond, where an evaluation takes tens of nanoseconds; the loop takes
 * about fifty. Merging a request's context with the one a call passes happens on every such call.
 * @internal
 */
export function mergeContexts(
  under: EvaluationContext,
  over: EvaluationContext,
): EvaluationContext {
  const merged: Record<string, unknown> = {};
  copy(under, merged);
  copy(over, merged);
  return merged as EvaluationContext;
}
