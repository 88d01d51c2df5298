import type { DeliveryLedger } from '../../lib';
import { AT } from './flag-store.fixtures';

/**
 * The behaviour every DeliveryLedger must have. `makeLedger` returns a ledger over empty storage,
 * once per test.
 */
export function describeDeliveryLedgerContract(
  name: string,
  makeLedger: () => DeliveryLedger | Promise<DeliveryLedger>,
): void {
  describe(`${name} (DeliveryLedger contract)`, () => {
    let store: DeliveryLedger;

    beforeEach(async () => {
      store = await makeLedger();
    });

    it('remembers an id once', async () => {
      const until = new Date(AT.getTime() + 60_000);
      await expect(store.rememberDelivery({ id: 'read-1', expiresAt: until }, AT)).resolves.toBe(
        true,
      );
      await expect(store.rememberDelivery({ id: 'read-1', expiresAt: until }, AT)).resolves.toBe(
        false,
      );
    });

    it('forgets delivery ids once their tokens have expired, and only then', async () => {
      const soon = new Date(AT.getTime() + 1_000);
      const later = new Date(AT.getTime() + 120_000);
      await store.rememberDelivery({ id: 'short', expiresAt: soon }, AT);
      await store.rememberDelivery({ id: 'long', expiresAt: later }, AT);
      const afterSoon = new Date(soon.getTime() + 1);
      await expect(
        store.rememberDelivery({ id: 'long', expiresAt: later }, afterSoon),
      ).resolves.toBe(false);
      await expect(
        store.rememberDelivery({ id: 'short', expiresAt: later }, afterSoon),
      ).resolves.toBe(true);
      await expect(
        store.rememberDelivery({ id: 'long', expiresAt: later }, new Date(later.getTime() + 2)),
      ).resolves.toBe(true);
    });

    it('lets exactly one of 10 concurrent rememberings of one delivery id through', async () => {
      const until = new Date(AT.getTime() + 60_000);
      const outcomes = await Promise.all(
        Array.from({ length: 10 }, () =>
          store.rememberDelivery({ id: 'same', expiresAt: until }, AT),
        ),
      );
      expect(outcomes.filter(Boolean)).toHaveLength(1);
    });

    it('refuses ids no store could hold', async () => {
      await expect(
        store.rememberDelivery({ id: 'x'.repeat(256), expiresAt: AT }, AT),
      ).rejects.toThrow(RangeError);
    });
  });
}
