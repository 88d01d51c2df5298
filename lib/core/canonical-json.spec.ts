import { canonicalJson } from './canonical-json';
import { flagSetChecksum } from './flag-set-checksum';

describe('canonicalJson (RFC 8785)', () => {
  it('sorts keys by UTF-16 code units and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: [true, null, { d: 'x', c: 2 }], '€': 0, '\u0080': 0 })).toBe(
      '{"a":[true,null,{"c":2,"d":"x"}],"b":1,"\u0080":0,"€":0}',
    );
  });

  it('serialises numbers as ECMAScript does', () => {
    expect(canonicalJson([1e21, 1.5e-7, -0, 100, 0.1])).toBe('[1e+21,1.5e-7,0,100,0.1]');
  });

  it('refuses values JSON cannot hold', () => {
    expect(() => canonicalJson({ n: NaN })).toThrow(/NaN/);
  });

  it('gives the same checksum whatever the key order', () => {
    const a = flagSetChecksum({ f: { state: 'ENABLED', variants: { on: true } } }, {});
    const b = flagSetChecksum({ f: { variants: { on: true }, state: 'ENABLED' } }, {});
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(flagSetChecksum({ f: { state: 'DISABLED', variants: { on: true } } }, {})).not.toBe(a);
  });
});
