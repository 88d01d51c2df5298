import type { StoredFlagSet } from '../ports/flag-store';
import { flagSetChecksum } from './flag-set-checksum';
import { planChange } from './plan-change';

const current: StoredFlagSet = {
  revision: 4,
  checksum: 'old',
  updatedAt: null,
  flags: [
    { key: 'same', definition: '{"state":"ENABLED","variants":{"on":true},"defaultVariant":"on"}' },
    {
      key: 'changed',
      definition: '{"state":"ENABLED","variants":{"on":true},"defaultVariant":"on"}',
    },
    {
      key: 'gone',
      definition: '{"state":"DISABLED","variants":{"on":true},"defaultVariant":"on"}',
    },
  ],
  evaluators: [{ key: 'old-rule', definition: '{"var":"x"}' }],
  metadata: null,
};

describe('planChange', () => {
  it('writes only what differs, deletes what is gone, and checksums the result', () => {
    const document = {
      flags: {
        same: { state: 'ENABLED', variants: { on: true }, defaultVariant: 'on' },
        changed: { state: 'DISABLED', variants: { on: true }, defaultVariant: 'on' },
        added: { state: 'ENABLED', variants: { a: 'a' }, defaultVariant: 'a' },
      },
      $evaluators: { 'new-rule': { var: 'y' } },
      metadata: { team: 'web' },
    };
    const at = new Date();
    const change = planChange(current, document, 5, { actor: 'ci', at });
    expect(change).toMatchObject({
      baseRevision: 4,
      revision: 5,
      actor: 'ci',
      at,
      metadata: '{"team":"web"}',
    });
    expect(change.upsertFlags.map((flag) => flag.key)).toEqual(['changed', 'added']);
    expect(change.deleteFlags).toEqual(['gone']);
    expect(change.upsertEvaluators).toEqual([{ key: 'new-rule', definition: '{"var":"y"}' }]);
    expect(change.deleteEvaluators).toEqual(['old-rule']);
    expect(change.checksum).toBe(flagSetChecksum(document.flags, document.$evaluators));
  });

  it('leaves metadata alone when it has not changed', () => {
    const change = planChange(current, { flags: {} }, 5, { at: new Date() });
    expect('metadata' in change).toBe(false);
  });
});
