import { expiredFlags } from './expired-flags';

const NOW = new Date('2026-12-01T12:00:00.000Z');

describe('expiredFlags', () => {
  it('lists the flags whose expiresAt is before now, in the order given, as written', () => {
    const flags = new Map<string, Record<string, unknown> | undefined>([
      ['old-banner', { expiresAt: '2026-11-30' }],
      ['no-metadata', undefined],
      ['later', { expiresAt: '2026-12-02' }],
      ['precise', { expiresAt: '2026-12-01T11:59:59Z' }],
      ['typo', { expiresAt: 'yesterday' }],
      ['no-expiry', { type: 'permission' }],
    ]);
    expect(expiredFlags(flags, NOW)).toEqual([
      { key: 'old-banner', expiresAt: '2026-11-30' },
      { key: 'precise', expiresAt: '2026-12-01T11:59:59Z' },
    ]);
  });

  it('treats expiresAt equal to now as not yet expired', () => {
    expect(expiredFlags([['edge', { expiresAt: '2026-12-01T12:00:00Z' }]], NOW)).toEqual([]);
    expect(expiredFlags([['day', { expiresAt: '2026-12-01' }]], NOW)).toEqual([
      { key: 'day', expiresAt: '2026-12-01' },
    ]);
  });
});
