/**
 * Which flag definitions a testbed scenario runs against.
 *
 * - Evaluator features (`evaluator/gherkin/*.feature`): `evaluator/flags/testkit-flags.json`.
 * - Provider features (`gherkin/*.feature`): what the testbed's launchpad serves as
 *   `flags/allFlags.json`, i.e. every `flags/*.json` except the `selector-*` files, deep-merged in
 *   file-name order; or, when the scenario sets the option "selector" to `rawflags/<file>`, that
 *   one file alone (flag-set metadata included).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export type JsonRecord = Record<string, unknown>;

/** A flag configuration, and a short name for it used in reports and as a cache key. */
export interface FlagSource {
  name: string;
  config: JsonRecord;
}

const MERGED_NAME = 'flags/allFlags.json';
/** The file the testbed's "metadata" provider configuration serves. */
const METADATA_PROVIDER_FILE = 'rawflags/selector-flag-combined-metadata.json';

export class FlagSources {
  private readonly cache = new Map<string, FlagSource>();

  constructor(private readonly testbedDir: string) {}

  /** The flag set of the evaluator features. */
  evaluator(): FlagSource {
    return this.cached('evaluator/flags/testkit-flags.json', () =>
      readJson(join(this.testbedDir, 'evaluator/flags/testkit-flags.json')),
    );
  }

  /**
   * The flag set a provider started with the given selector option sees.
   * @param providerType the word in "a <type> flagd provider" ("stable", "metadata")
   */
  provider(providerType: string, selector: string | undefined): FlagSource {
    const name = selector ?? (providerType === 'metadata' ? METADATA_PROVIDER_FILE : MERGED_NAME);
    if (name === MERGED_NAME) return this.cached(name, () => this.mergedFlags());
    const file = /^rawflags\/([^/]+\.json)$/.exec(name)?.[1];
    if (!file) throw new Error(`unsupported selector "${name}"`);
    return this.cached(name, () => readJson(join(this.testbedDir, 'flags', file)));
  }

  private mergedFlags(): JsonRecord {
    const dir = join(this.testbedDir, 'flags');
    const files = readdirSync(dir)
      .filter((file) => file.endsWith('.json') && !file.startsWith('selector-'))
      .sort();
    return files.reduce<JsonRecord>(
      (merged, file) => deepMerge(merged, readJson(join(dir, file))),
      {},
    );
  }

  private cached(name: string, load: () => JsonRecord): FlagSource {
    let source = this.cache.get(name);
    if (!source) {
      source = { name, config: load() };
      this.cache.set(name, source);
    }
    return source;
  }
}

function readJson(path: string): JsonRecord {
  return JSON.parse(readFileSync(path, 'utf8')) as JsonRecord;
}

function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Objects merge key by key, recursively; anything else in `source` replaces what `target` had. */
function deepMerge(target: JsonRecord, source: JsonRecord): JsonRecord {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    target[key] = isRecord(existing) && isRecord(value) ? deepMerge(existing, value) : value;
  }
  return target;
}
