import { DEFAULT_STALE_AFTER_DAYS, parseIsoInstant, readFlagLifecycle } from './flag-lifecycle';

describe('readFlagLifecycle', () => {
  it('applies the defaults of each type, and release ones when the type is missing or unknown', () => {
    expect(DEFAULT_STALE_AFTER_DAYS).toEqual({
      release: 40,
      experiment: 40,
      operational: 7,
      permission: null,
    });
    const days = (metadata?: Record<string, unknown>) => {
      const { type, staleAfterDays, staleAfterDaysFrom, problems } = readFlagLifecycle(metadata);
      return { type, staleAfterDays, staleAfterDaysFrom, problems };
    };
    expect(days({ type: 'release' })).toEqual({
      type: 'release',
      staleAfterDays: 40,
      staleAfterDaysFrom: 'type',
      problems: [],
    });
    expect(days({ type: 'experiment' })).toMatchObject({ type: 'experiment', staleAfterDays: 40 });
    expect(days({ type: 'operational' })).toMatchObject({ type: 'operational', staleAfterDays: 7 });
    expect(days({ type: 'permission' })).toMatchObject({
      type: 'permission',
      staleAfterDays: null,
    });
    for (const metadata of [undefined, {}, { type: 'kill-switch' }, { type: 7 }, { type: '' }]) {
      expect(days(metadata)).toEqual({
        type: 'release',
        staleAfterDays: 40,
        staleAfterDaysFrom: 'type',
        problems: [],
      });
    }
  });

  it('lets staleAfterDays override the type, 0 meaning never, permission flags included', () => {
    expect(readFlagLifecycle({ type: 'release', staleAfterDays: 90 })).toMatchObject({
      staleAfterDays: 90,
      staleAfterDaysFrom: 'metadata',
    });
    expect(readFlagLifecycle({ type: 'operational', staleAfterDays: 0 })).toMatchObject({
      staleAfterDays: null,
      staleAfterDaysFrom: 'metadata',
    });
    expect(readFlagLifecycle({ type: 'permission', staleAfterDays: 365 })).toMatchObject({
      staleAfterDays: 365,
    });
  });

  it('lists an unusable staleAfterDays as a problem and keeps the type default', () => {
    for (const value of [-1, 1.5, '30', true, null, Number.NaN]) {
      const lifecycle = readFlagLifecycle({ type: 'operational', staleAfterDays: value });
      expect(lifecycle).toMatchObject({ staleAfterDays: 7, staleAfterDaysFrom: 'type' });
      expect(lifecycle.problems).toEqual([
        { field: 'staleAfterDays', value, message: expect.stringContaining('write a number') },
      ]);
      expect(lifecycle.problems[0].message).toContain('the operational default (7) applies');
    }
  });

  it('reads expiresAt as a date (00:00 UTC) or a date-time with a time zone', () => {
    expect(readFlagLifecycle({ expiresAt: '2027-03-01' })).toMatchObject({
      expiresAt: new Date('2027-03-01T00:00:00.000Z'),
      expiresAtText: '2027-03-01',
      problems: [],
    });
    expect(readFlagLifecycle({ expiresAt: '2027-03-01T12:30:00+02:00' }).expiresAt).toEqual(
      new Date('2027-03-01T10:30:00.000Z'),
    );
  });

  it('lists an expiresAt that is not an ISO 8601 instant as a problem, never throws', () => {
    for (const value of [
      'next week',
      '01/03/2027',
      '2027-02-30',
      '2027-13-01',
      '2027-03-01T12:00:00', // no time zone: local time of whichever machine reads it
      '2027-03-01T24:00:00Z',
      '',
      1798761600,
      null,
      { at: '2027-03-01' },
    ]) {
      const lifecycle = readFlagLifecycle({ expiresAt: value });
      expect(lifecycle.expiresAt).toBeUndefined();
      expect(lifecycle.problems).toEqual([
        { field: 'expiresAt', value, message: expect.stringContaining('is not an ISO 8601 date') },
      ]);
    }
  });
});

describe('parseIsoInstant', () => {
  it.each([
    ['2027-03-01', '2027-03-01T00:00:00.000Z'],
    ['2028-02-29', '2028-02-29T00:00:00.000Z'],
    ['2027-03-01T12:00Z', '2027-03-01T12:00:00.000Z'],
    ['2027-03-01T12:00:05.25Z', '2027-03-01T12:00:05.250Z'],
    ['2027-03-01T12:00:05.123456789Z', '2027-03-01T12:00:05.123Z'],
    ['2027-03-01t00:30:00-01:30', '2027-03-01T02:00:00.000Z'],
    ['0099-01-01', '0099-01-01T00:00:00.000Z'],
  ])('reads %s as %s', (text, iso) => {
    expect(parseIsoInstant(text)?.toISOString()).toBe(iso);
  });

  it.each(['2027-02-29', '2027-04-31', '2027-03-01T12:60Z', '2027-03-01T12:00+24:00', '2027-3-1'])(
    'refuses %s',
    (text) => {
      expect(parseIsoInstant(text)).toBeUndefined();
    },
  );
});
