import { InMemoryFlagStore } from '../../lib';
import { describeDeliveryLedgerContract } from './delivery-ledger.contract';
import { describeFlagStoreContract } from './flag-store.contract';
import { change, flag } from './flag-store.fixtures';
import { counted, describeUsageStoreContract } from './flag-usage.contract';

describeFlagStoreContract('InMemoryFlagStore', () => new InMemoryFlagStore());
describeUsageStoreContract('InMemoryFlagStore', () => new InMemoryFlagStore());
describeDeliveryLedgerContract('InMemoryFlagStore', () => new InMemoryFlagStore());

describe('InMemoryFlagStore', () => {
  it('hands out copies, so callers cannot change what it holds', async () => {
    const store = new InMemoryFlagStore();
    await store.apply(change(0, { upsertFlags: [flag('a')] }));
    const state = await store.state();
    state.updatedAt?.setTime(0);
    (await store.changes(0, 1))[0].at.setTime(0);
    (await store.load()).flags.pop();
    expect((await store.state()).updatedAt?.getTime()).not.toBe(0);
    expect((await store.changes(0, 1))[0].at.getTime()).not.toBe(0);
    expect((await store.load()).flags).toHaveLength(1);
    (await store.load()).flags[0].updatedAt?.setTime(0);
    expect((await store.load()).flags[0].updatedAt?.getTime()).not.toBe(0);

    const recorded = counted('a');
    await store.recordUsage([recorded]);
    recorded.lastEvaluatedAt.setTime(0);
    (await store.usage('2026-11-23'))[0].lastEvaluatedAt.setTime(0);
    (await store.lastEvaluations())[0].lastEvaluatedAt.setTime(0);
    expect((await store.usage('2026-11-23'))[0].lastEvaluatedAt.getTime()).not.toBe(0);
    expect((await store.lastEvaluations())[0].lastEvaluatedAt.getTime()).not.toBe(0);
  });
});
