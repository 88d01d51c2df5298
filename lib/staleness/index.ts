/*
 * Which flags to clean up, from usage and metadata: pure functions with an injected clock, no
 * NestJS, no database and no Node I/O, so the application (at startup), the usage endpoint and
 * the CLI share them.
 */
export type { CodeReference } from './code-reference.types';
export { type ExpiredFlag, expiredFlags } from './expired-flags';
export {
  DEFAULT_STALE_AFTER_DAYS,
  type FlagLifecycle,
  type FlagType,
  type LifecycleProblem,
  readFlagLifecycle,
} from './flag-lifecycle';
export { STALE_REASON_CODES, type StaleReason, type StaleReasonCode } from './stale-reason';
export { LAUNCHED_AFTER_DAYS, type StaleFlag, staleFlags } from './stale-flags';
export type { DailyUsage, FlagUsage, UsageReport, VariantCounts } from './usage-report.types';
