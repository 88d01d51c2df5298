import { DAY_MS } from '../staleness/utc-days';

/**
 * What the change log's retention is shortened by before an instance stops trusting the log:
 * room for clocks that differ between instances, and for the moments between a change's `at`
 * (stamped by the instance that applies it) and its commit.
 * @internal
 */
export const CHANGE_LOG_MARGIN_MS = DAY_MS;

/**
 * Whether the change log still holds every entry an instance lacks, so that the instance may
 * follow it rather than reload every flag. The instance knew the store to be at the revision it
 * serves at `knownAt`: every entry after that revision was recorded after that moment, and
 * entries go once older than `retentionDays` (FlagStore.forgetChanges(), run by any instance).
 * Entries it lacks may be gone once `knownAt` is that old, less the margin.
 * @internal
 */
export function changeLogCovers(knownAt: Date, now: Date, retentionDays: number): boolean {
  return now.getTime() - knownAt.getTime() < retentionDays * DAY_MS - CHANGE_LOG_MARGIN_MS;
}
