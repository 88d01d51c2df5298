import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The example app's folder, whether running from source (tests) or from its build (npm start). */
export function appDir(start = __dirname): string {
  let dir = start;
  while (!existsSync(join(dir, 'flags.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`flags.json not found above ${start}`);
    dir = parent;
  }
  return dir;
}
