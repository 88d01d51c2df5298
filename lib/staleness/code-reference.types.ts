/**
 * A place in the application's source that names a flag with a string literal: what the
 * `hybrid-flags stale --src` scanner finds, and what {@link staleFlags} compares with the store.
 * @publicApi
 */
export interface CodeReference {
  key: string;
  /** The file, relative to the scanned folder, with `/` separators. */
  file: string;
  /** 1-based line of the key's literal. */
  line: number;
  /** How the code names the flag, e.g. `@FeatureFlag`, `@FlagValue`, `isEnabled`. */
  call: string;
}
