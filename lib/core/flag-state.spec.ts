import { parseFlagSet } from '../evaluation';
import { FlagCache } from './flag-state';
import type { FlagSnapshot, SnapshotSource } from './served-flags';

function snapshot(source: SnapshotSource, revision: number): FlagSnapshot {
  const parsed = parseFlagSet({ flags: {} });
  if (!parsed.ok) throw new Error('invalid');
  return {
    flagSet: parsed.flagSet,
    source,
    revision,
    checksum: `c${revision}`,
    loadedAt: new Date(),
  };
}

describe('FlagCache', () => {
  it('starts empty and serves what it is given', () => {
    const cache = new FlagCache();
    expect(cache.snapshot.source).toBe('none');
    expect(cache.swap(snapshot('bootstrap', 0))).toBe(true);
    expect(cache.swap(snapshot('store', 3))).toBe(true);
    expect(cache.snapshot.revision).toBe(3);
  });

  it('never goes back to an older revision, nor from the store to the bootstrap file', () => {
    const cache = new FlagCache();
    cache.swap(snapshot('store', 5));
    expect(cache.swap(snapshot('store', 4))).toBe(false);
    expect(cache.swap(snapshot('bootstrap', 0))).toBe(false);
    expect(cache.snapshot.revision).toBe(5);
    expect(cache.swap(snapshot('store', 5))).toBe(true);
  });
});
