import { evaluateFlag, parseFlagChanges, parseFlagSet } from '.';

const flag = (defaultVariant: string, targeting?: unknown) => ({
  state: 'ENABLED',
  variants: { on: true, off: false },
  defaultVariant,
  ...(targeting === undefined ? {} : { targeting }),
});

function parsed(document: object) {
  const result = parseFlagSet(document);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.flagSet;
}

describe('parseFlagChanges', () => {
  const staff = { $ref: 'is-staff' };
  const base = parsed({
    flags: { a: flag('off'), b: flag('on'), c: flag('off', { if: [staff, 'on', 'off'] }) },
    $evaluators: { 'is-staff': { ends_with: [{ var: 'email' }, '@example.com'] } },
    metadata: { owner: 'payments' },
  });

  it('evaluates exactly like a full parse of the changed document', () => {
    const upserts = { a: flag('on'), d: flag('off', { if: [staff, 'on', 'off'] }) };
    const next = parseFlagChanges(base, upserts, ['b']);
    const full = parsed({
      flags: { a: upserts.a, c: flag('off', { if: [staff, 'on', 'off'] }), d: upserts.d },
      $evaluators: { 'is-staff': { ends_with: [{ var: 'email' }, '@example.com'] } },
      metadata: { owner: 'payments' },
    });
    expect(next).toBeDefined();
    expect([...next!.keys()].sort()).toEqual(['a', 'c', 'd']);
    for (const context of [{}, { email: 'x@example.com' }, { email: 'x@other.org' }]) {
      for (const key of ['a', 'b', 'c', 'd']) {
        expect(evaluateFlag(next!, key, context)).toEqual(evaluateFlag(full, key, context));
      }
    }
  });

  it('leaves the original set as it was', () => {
    parseFlagChanges(base, { a: flag('on') }, ['b']);
    expect(base.has('b')).toBe(true);
    expect(evaluateFlag(base, 'a', {}).value).toBe(false);
  });

  it('loads a broken definition as a lenient load does', () => {
    const broken = { state: 'ENABLED', variants: {} };
    const next = parseFlagChanges(base, { a: broken }, []);
    const full = parseFlagSet(
      { flags: { a: broken, b: flag('on') }, metadata: { owner: 'payments' } },
      { lenient: true },
    );
    expect(full.ok).toBe(true);
    if (!full.ok) return;
    expect(evaluateFlag(next!, 'a', {})).toEqual(evaluateFlag(full.flagSet, 'a', {}));
    expect(evaluateFlag(next!, 'a', {})).not.toEqual(evaluateFlag(base, 'a', {}));
    expect(evaluateFlag(next!, 'b', {}).value).toBe(true);
  });
});
