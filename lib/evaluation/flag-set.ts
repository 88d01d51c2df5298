import type { CompiledFlag, SharedCompileOptions } from './compiled-flag';
import { flagFromText, metadataFromText } from './definition-text';
import type { FlagMetadata } from './evaluation.types';

/**
 * Flags by key, in an object without a prototype: V8 keeps it as a hash table whose keys are
 * interned, so a lookup by a key written in code compares pointers only. A `Map` compares the
 * text of every key sharing the bucket, which made one lookup take from 6 to 12 ns depending on
 * the process's hash seed. A value that is text is a flag's definition, not made yet.
 * @internal
 */
export type FlagTable = Record<string, CompiledFlag | string>;

/** An empty {@link FlagTable}. @internal */
export function flagTable(): FlagTable {
  return Object.create(null) as FlagTable;
}

/**
 * A parsed, validated set of flags: immutable, what evaluations read. Make one with
 * `parseFlagSet`.
 * @publicApi
 */
export class FlagSet {
  /** @internal */
  constructor(
    /**
     * Each flag, or its definition as JSON text until it is first looked up (a set loaded from
     * the module's store, whose rows were validated when written): then the flag replaces it.
     */
    private readonly flags: FlagTable,
    private readonly count: number,
    /** The flag set's own metadata, which every flag's metadata overlays. */
    readonly metadata: FlagMetadata,
    /** @internal */
    readonly compileOptions: SharedCompileOptions,
  ) {}

  /** How many flags the set holds. */
  get size(): number {
    return this.count;
  }

  /** Whether a flag with this key exists (enabled or not). */
  has(key: string): boolean {
    return this.flags[key] !== undefined;
  }

  /** The keys of every flag, in definition order (as for the keys of a JSON object). */
  keys(): IterableIterator<string> {
    return Object.keys(this.flags).values();
  }

  /** @internal */
  get(key: string): CompiledFlag | undefined {
    const flag = this.flags[key];
    return typeof flag === 'string' ? this.materialise(key, flag) : flag;
  }

  /**
   * A flag's metadata (the set's overlaid by its own), without making the flag from its
   * definition when that is still text: reading every flag's metadata then costs a substring
   * search per flag without any, and a parse per flag with some, and compiles nothing.
   * @internal
   */
  metadataOf(key: string): FlagMetadata | undefined {
    const flag = this.flags[key];
    return typeof flag === 'string' ? metadataFromText(flag, this.metadata) : flag?.metadata;
  }

  /**
   * A new set with `changed`'s flags added or replacing these, and the `removed` keys gone;
   * this set is unchanged. `changed` must have been parsed with this set's evaluators and
   * metadata, as `parseFlagChanges` does.
   * @internal
   */
  withChanges(changed: FlagSet, removed: Iterable<string>): FlagSet {
    const flags = Object.assign(flagTable(), this.flags);
    let count = this.count;
    for (const key of removed) {
      if (flags[key] === undefined) continue;
      delete flags[key];
      count--;
    }
    for (const key of Object.keys(changed.flags)) {
      if (flags[key] === undefined) count++;
      flags[key] = changed.flags[key];
    }
    return new FlagSet(flags, count, this.metadata, this.compileOptions);
  }

  /** Kept out of `get`, so that looking up a flag already made stays small enough to inline. */
  private materialise(key: string, text: string): CompiledFlag {
    const flag = flagFromText(key, text, this.metadata, this.compileOptions);
    this.flags[key] = flag;
    return flag;
  }
}
