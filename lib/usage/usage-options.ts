import { FlagsConfigurationError } from '../core/flags-configuration.error';
import { knownKeys, wholeNumber } from '../core/option-checks';
import type { UsageStore } from '../ports/usage-store';

/**
 * Evaluations counted per flag and variant in memory and added to the store every `flushMs` and
 * at shutdown: what `GET /_flags/usage` and `hybrid-flags stale` read to tell which flags can go.
 * Counting costs no I/O on the evaluation path.
 * @publicApi
 */
export interface UsageOptions {
  /**
   * How often this instance adds its counts to the store.
   * @default 60000
   */
  flushMs?: number;
  /**
   * Days of usage the store keeps; older days are deleted (once a day, by each instance).
   * @default 400
   */
  retentionDays?: number;
  /**
   * Where counts are kept, when the module's store keeps none (a custom `FlagStore` that does not
   * implement `UsageStore`).
   * @default the module's store
   */
  store?: UsageStore;
}

/** The `usage` group of the resolved options. @internal */
export const USAGE_OPTIONS = 'FLAGS:USAGE_OPTIONS';

/** The `usage` options after defaults and checks; false when usage is off. @internal */
export type ResolvedUsageOptions =
  | false
  | {
      flushMs: number;
      retentionDays: number;
      store?: UsageStore;
      /** How long the last flush at shutdown may take. */
      stopTimeoutMs: number;
    };

/** @internal */
export function resolveUsageOptions(value: unknown, stopTimeoutMs: number): ResolvedUsageOptions {
  if (value === false) return false;
  if (value !== undefined && value !== true && (value === null || typeof value !== 'object')) {
    throw new FlagsConfigurationError(
      'usage is an object of options, e.g. { flushMs: 60000 }, or false to turn usage off.',
    );
  }
  const group = (typeof value === 'object' ? value : {}) as Record<string, unknown>;
  knownKeys('usage', group, ['flushMs', 'retentionDays', 'store']);
  const store = group.store as UsageStore | undefined;
  if (store !== undefined && typeof store?.recordUsage !== 'function') {
    throw new FlagsConfigurationError(
      'usage.store must be a UsageStore (recordUsage, usage, lastEvaluations, forgetUsage).',
    );
  }
  return {
    flushMs: wholeNumber('usage.flushMs', group.flushMs, 60_000),
    retentionDays: wholeNumber('usage.retentionDays', group.retentionDays, 400, 'days'),
    ...(store === undefined ? {} : { store }),
    stopTimeoutMs,
  };
}
