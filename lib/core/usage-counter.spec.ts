import { parseFlagSet } from '../evaluation';
import { resolveValue } from '../evaluation/evaluate';
import { ResolutionRecord } from '../evaluation/resolution-record';
import { UsageCounter } from './usage-counter';

const byKey = (pending: Array<{ flagKey: string; variant: string; count: number }>) =>
  Object.fromEntries(pending.map((p) => [`${p.flagKey}/${p.variant}`, p.count]));

describe('UsageCounter', () => {
  it('counts evaluations by flag and variant, the caller default as ""', () => {
    const counter = new UsageCounter();
    for (const variant of ['on', 'on', 'off', 'on', undefined]) counter.count('checkout', variant);
    counter.count('theme', 'dark');
    expect(byKey(counter.takePending())).toEqual({
      'checkout/on': 3,
      'checkout/off': 1,
      'checkout/': 1,
      'theme/dark': 1,
    });
  });

  it('hands out each count once, and takes back what could not be stored', () => {
    const counter = new UsageCounter();
    counter.count('checkout', 'on');
    counter.count('checkout', 'on');
    const first = counter.takePending();
    expect(counter.takePending()).toEqual([]);
    expect(counter.unflushed().size).toBe(0);

    counter.count('checkout', 'on');
    counter.restore(first);
    expect(counter.unflushed().get('checkout')).toEqual({ on: 3 });
    expect(byKey(counter.takePending())).toEqual({ 'checkout/on': 3 });
  });

  it('keeps totals since start for counters that only grow', () => {
    const counter = new UsageCounter();
    counter.count('checkout', 'on');
    counter.takePending();
    counter.count('checkout', 'on');
    counter.count('checkout', 'off');
    const totals: Record<string, number> = {};
    counter.forEachTotal((key, variant, total) => (totals[`${key}/${variant}`] = total));
    expect(totals).toEqual({ 'checkout/on': 2, 'checkout/off': 1 });
  });

  it('does not count keys no store can hold, nor more keys than its cap', () => {
    const counter = new UsageCounter();
    counter.count('k'.repeat(256), 'on');
    for (let i = 0; i < UsageCounter.MAX_KEYS + 5; i++) counter.count(`flag-${i}`, 'on');
    counter.count('flag-0', 'on');
    expect(counter.uncounted).toBe(6);
    const pending = counter.takePending();
    expect(pending).toHaveLength(UsageCounter.MAX_KEYS);
    expect(pending.find((p) => p.flagKey === 'flag-0')?.count).toBe(2);
  });

  it('counts a variant name too long to store as "no variant"', () => {
    const counter = new UsageCounter();
    counter.count('checkout', 'v'.repeat(300));
    counter.count('checkout', 'v'.repeat(300));
    counter.count('checkout', undefined);
    expect(byKey(counter.takePending())).toEqual({ 'checkout/': 3 });
  });

  it('counts right when two counters count the same flags, each with its own tally', () => {
    const parsed = parseFlagSet({
      flags: {
        split: {
          state: 'ENABLED',
          variants: { on: true, off: false },
          defaultVariant: 'off',
          targeting: { if: [{ '==': [{ var: 'plan' }, 'premium'] }, 'on', 'off'] },
        },
      },
    });
    if (!parsed.ok) throw new Error('the flag set is valid');
    const flagSet = parsed.flagSet;
    const first = new UsageCounter();
    const second = new UsageCounter();
    const record = new ResolutionRecord();
    const plans = ['premium', 'free', 'free', 'premium', 'free'];
    for (const [index, plan] of plans.entries()) {
      resolveValue(flagSet, 'split', 'boolean', false, { plan }, record);
      // The second counter counts every other evaluation, interleaved with the first.
      first.count('split', record.variant, record.flag);
      if (index % 2 === 0) second.count('split', record.variant, record.flag);
    }
    expect(flagSet.get('split')?.observerSlot?.owner).toBe(first);
    expect(byKey(first.takePending())).toEqual({ 'split/on': 2, 'split/off': 3 });
    expect(byKey(second.takePending())).toEqual({ 'split/on': 1, 'split/off': 2 });
  });
});
