import type { CompiledFlag, SharedCompileOptions } from './compiled-flag';
import type { FlagMetadata } from './evaluation.types';

/**
 * A parsed, validated set of flags: immutable, what evaluations read. Make one with
 * `parseFlagSet`.
 * @publicApi
 */
export class FlagSet {
  /** @internal */
  constructor(
    private readonly flags: ReadonlyMap<string, CompiledFlag>,
    /** The flag set's own metadata, which every flag's metadata overlays. */
    readonly metadata: FlagMetadata,
    /** @internal */
    readonly compileOptions: SharedCompileOptions,
  ) {}

  /** How many flags the set holds. */
  get size(): number {
    return this.flags.size;
  }

  /** Whether a flag with this key exists (enabled or not). */
  has(key: string): boolean {
    return this.flags.has(key);
  }

  /** The keys of every flag, in definition order. */
  keys(): IterableIterator<string> {
    return this.flags.keys();
  }

  /** @internal */
  get(key: string): CompiledFlag | undefined {
    return this.flags.get(key);
  }

  /**
   * A new set with `changed`'s flags added or replacing these, and the `removed` keys gone;
   * this set is unchanged. `changed` must have been parsed with this set's evaluators and
   * metadata, as `parseFlagChanges` does.
   * @internal
   */
  withChanges(changed: FlagSet, removed: Iterable<string>): FlagSet {
    const flags = new Map(this.flags);
    for (const key of removed) flags.delete(key);
    for (const [key, flag] of changed.flags) flags.set(key, flag);
    return new FlagSet(flags, this.metadata, this.compileOptions);
  }
}
