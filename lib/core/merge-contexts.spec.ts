import { mergeContexts } from './merge-contexts';

describe('mergeContexts', () => {
  const cases: Array<[string, object, object]> = [
    ['disjoint keys', { targetingKey: 'u1', plan: 'free' }, { country: 'US' }],
    ['the second wins', { targetingKey: 'u1', plan: 'free' }, { plan: 'premium' }],
    ['empty sides', {}, {}],
    ['nested values kept by reference', { user: { id: 1 } }, { tags: ['a'] }],
    ['an own __proto__ key', JSON.parse('{"__proto__":{"polluted":true},"a":1}'), { b: 2 }],
  ];

  it.each(cases)('gives what a spread gives: %s', (_name, under, over) => {
    const merged = mergeContexts(under as never, over as never);
    const spread = { ...under, ...over };
    expect(Object.getOwnPropertyNames(merged)).toEqual(Object.getOwnPropertyNames(spread));
    for (const key of Object.getOwnPropertyNames(spread)) {
      expect(Object.getOwnPropertyDescriptor(merged, key)).toEqual(
        Object.getOwnPropertyDescriptor(spread, key),
      );
    }
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect((merged as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('copies own properties only, not inherited ones', () => {
    const under = Object.create({ inherited: true }) as Record<string, unknown>;
    under.own = 1;
    expect(mergeContexts(under as never, {} as never)).toEqual({ own: 1 });
  });
});
