import * as root from '../../lib';
import * as engine from '../../lib/evaluation/evaluate';

/*
 * Compiled TypeScript reads a package export at every call: `import { getBoolean } from
 * 'nestjs-hybrid-flags'` becomes `(0, nestjs_hybrid_flags_1.getBoolean)(...)`. `export { x } from`
 * and `export *` compile to getters, and an exports object holding a few getters turns into a
 * dictionary, so that read costs a getter call or a hash lookup: as much again as evaluating a
 * flag without rules (bench/README.md measures it). `export import x = module.x` compiles to a
 * plain assignment; these tests fail when an export of another form comes back.
 */

describe('the package root', () => {
  it('exports every value as a plain data property, no getter', () => {
    const getters = Object.keys(root).filter(
      (name) => Object.getOwnPropertyDescriptor(root, name)?.get !== undefined,
    );
    expect(getters).toEqual([]);
  });

  it('exports the engine functions themselves, not wrappers', () => {
    expect(root.getBoolean).toBe(engine.getBoolean);
    expect(root.getString).toBe(engine.getString);
    expect(root.getNumber).toBe(engine.getNumber);
    expect(root.getObject).toBe(engine.getObject);
    expect(root.evaluate).toBe(engine.evaluate);
  });
});
