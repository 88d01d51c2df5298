/*
 * Reading `var` paths the way flagd's reference does: `a.b.c`, with `\.` escaping a dot, looked up
 * through own and inherited properties, and `$flagd.flagKey` / `$flagd.timestamp` at the top level.
 */

/**
 * `__proto__` never names data: reading it would hand a prototype object to rules (flagd's
 * reference does; here it reads as missing).
 * @internal
 */
export const PROTO = '__proto__';

/** Splits `a.b\.c` into `['a', 'b.c']`. @internal */
export function splitPath(path: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < path.length; i++) {
    const char = path[i];
    if (char === '\\') {
      const next = path[i + 1];
      if (next === '.' || next === '/' || next === '\\') {
        current += next;
        i++;
      } else {
        current += char;
      }
    } else if (char === '.') {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  if (parts.length !== path.length) parts.push(current);
  return parts;
}

/** The `$flagd` object flagd adds to every evaluation context. @internal */
export function flagdProperties(flagKey: string): { flagKey: string; timestamp: number } {
  return { flagKey, timestamp: Math.floor(Date.now() / 1000) };
}

/** The whole evaluation context as targeting sees it at the top level. @internal */
export function topLevelContext(data: unknown, flagKey: string): Record<string, unknown> {
  return { ...(data as object), $flagd: flagdProperties(flagKey) };
}

/**
 * The value at `pieces` below `root`, or undefined when a step is null or undefined. At the top
 * level a path starting with `$flagd` reads the flag key and the clock.
 * @internal
 */
export function readPath(
  root: unknown,
  pieces: readonly string[],
  flagKey: string | undefined,
): unknown {
  let value: any = root;
  let start = 0;
  if (flagKey !== undefined && pieces[0] === '$flagd') {
    const name = pieces[1];
    value =
      pieces.length === 1
        ? flagdProperties(flagKey)
        : name === 'flagKey'
          ? flagKey
          : name === 'timestamp'
            ? Math.floor(Date.now() / 1000)
            : (flagdProperties(flagKey) as any)[name];
    start = pieces.length === 1 ? 1 : 2;
  }
  for (let i = start; i < pieces.length; i++) {
    if (value === null || value === undefined || pieces[i] === PROTO) return undefined;
    value = value[pieces[i]];
  }
  return value;
}
