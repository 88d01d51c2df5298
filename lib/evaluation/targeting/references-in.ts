import { REF_KEY } from './reference';

/** The `$ref` names in a rule, down to `maxDepth` levels. @internal */
export function referencesIn(logic: unknown, maxDepth: number): string[] {
  const names: string[] = [];
  const scan = (value: unknown, depth: number): void => {
    if (value === null || typeof value !== 'object' || depth >= maxDepth) return;
    if (Array.isArray(value)) {
      for (const item of value) scan(item, depth + 1);
      return;
    }
    const keys = Object.keys(value);
    const args = (value as Record<string, unknown>)[keys[0]];
    if (keys.length === 1 && keys[0] === REF_KEY && typeof args === 'string') names.push(args);
    else for (const key of keys) scan((value as Record<string, unknown>)[key], depth + 1);
  };
  scan(logic, 0);
  return names;
}
