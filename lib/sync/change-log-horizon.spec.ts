import { DAY_MS } from '../staleness/utc-days';
import { CHANGE_LOG_MARGIN_MS, changeLogCovers } from './change-log-horizon';

describe('changeLogCovers', () => {
  const now = new Date('2027-06-01T12:00:00Z');
  const ago = (ms: number) => new Date(now.getTime() - ms);

  it('trusts the log for the retention less a day of margin, and not a moment longer', () => {
    expect(CHANGE_LOG_MARGIN_MS).toBe(DAY_MS);
    expect(changeLogCovers(ago(0), now, 30)).toBe(true);
    expect(changeLogCovers(ago(29 * DAY_MS - 1), now, 30)).toBe(true);
    expect(changeLogCovers(ago(29 * DAY_MS), now, 30)).toBe(false);
    expect(changeLogCovers(ago(400 * DAY_MS), now, 30)).toBe(false);
    expect(changeLogCovers(ago(398 * DAY_MS), now, 400)).toBe(true);
    expect(changeLogCovers(ago(399 * DAY_MS), now, 400)).toBe(false);
  });

  it('covers a moment known in the future (a clock that went back) as well', () => {
    expect(changeLogCovers(new Date(now.getTime() + DAY_MS), now, 30)).toBe(true);
  });

  it('never trusts a log kept for two days for more than one', () => {
    expect(changeLogCovers(ago(DAY_MS - 1), now, 2)).toBe(true);
    expect(changeLogCovers(ago(DAY_MS), now, 2)).toBe(false);
  });
});
