import { readFlagLifecycle } from './flag-lifecycle';

/** A flag whose metadata `expiresAt` has passed. @publicApi */
export interface ExpiredFlag {
  key: string;
  /** `expiresAt` as written in the metadata. */
  expiresAt: string;
}

/**
 * The flags whose metadata `expiresAt` is before `now`, in the order given: for one warning at
 * startup listing the flags to clean up. An `expiresAt` that is not a date is not listed (it
 * never expires); `readFlagLifecycle(metadata).problems` tells, and `staleFlags` reports it.
 *
 * @example
 * const expired = expiredFlags(
 *   Object.entries(document.flags).map(([key, flag]) => [key, flag.metadata] as const),
 *   new Date(),
 * );
 * if (expired.length > 0) {
 *   logger.warn(`Expired flags: ${expired.map((f) => `${f.key} (${f.expiresAt})`).join(', ')}`);
 * }
 * @publicApi
 */
export function expiredFlags(
  flags: Iterable<readonly [string, Readonly<Record<string, unknown>> | undefined]>,
  now: Date,
): ExpiredFlag[] {
  const expired: ExpiredFlag[] = [];
  for (const [key, metadata] of flags) {
    const { expiresAt, expiresAtText } = readFlagLifecycle(metadata);
    if (expiresAt !== undefined && expiresAt.getTime() < now.getTime()) {
      expired.push({ key, expiresAt: expiresAtText ?? expiresAt.toISOString() });
    }
  }
  return expired;
}
