import { parseFlagSet } from '../evaluation';
import { FlagState } from './flag-state';
import type { ServedFlags, ServedFlagsSource } from './served-flags';

function snapshot(source: ServedFlagsSource, revision: number): ServedFlags {
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

describe('FlagState', () => {
  it('starts empty and serves what it is given', () => {
    const state = new FlagState();
    expect(state.served.source).toBe('none');
    expect(state.serve(snapshot('bootstrap', 0))).toBe(true);
    expect(state.serve(snapshot('store', 3))).toBe(true);
    expect(state.served.revision).toBe(3);
  });

  it('never goes back to an older revision, nor from the store to the bootstrap file', () => {
    const state = new FlagState();
    state.serve(snapshot('store', 5));
    expect(state.serve(snapshot('store', 4))).toBe(false);
    expect(state.serve(snapshot('bootstrap', 0))).toBe(false);
    expect(state.served.revision).toBe(5);
    expect(state.serve(snapshot('store', 5))).toBe(true);
  });
});
