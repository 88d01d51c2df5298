import { FlagsConfigurationError } from '../core/flags-configuration.error';
import type { FlagSetDocument } from '../core/flag-set-document';
import { knownKeys, optionGroup, wholeNumber } from '../core/option-checks';

/**
 * How this instance loads its flags at startup and keeps them equal to the store's.
 * @publicApi
 */
export interface SyncOptions {
  /**
   * How long startup waits for the store before serving the bootstrap flags. The application
   * does not answer requests before the flags are loaded or this time has passed.
   * @default 5000
   */
  loadTimeoutMs?: number;
  /**
   * How often the store is asked again while it does not answer.
   * @default 1000
   */
  retryIntervalMs?: number;
  /**
   * How often each instance reads the store's revision (one indexed single-row read) to pick
   * up changes another instance received. On PostgreSQL, changes are also announced with
   * LISTEN/NOTIFY and picked up at once; polling is the safety net.
   * @default 500
   */
  pollIntervalMs?: number;
  /**
   * On PostgreSQL, hold one connection of the pool in LISTEN to pick up changes within
   * milliseconds. Turn it off where LISTEN cannot work, such as behind PgBouncer in transaction
   * pooling mode: changes then arrive within `pollIntervalMs`.
   * @default true
   */
  listen?: boolean;
  /**
   * Days the change log (`GET /_flags/audit`, and what instances follow to pick up a change)
   * keeps its entries; older ones are deleted once a day by each instance. At least 2: an
   * instance follows the log for a day less than it is kept.
   * @default 400
   */
  changeLogRetentionDays?: number;
}

/** The `sync` group of the resolved options. @internal */
export const SYNC_OPTIONS = 'FLAGS:SYNC_OPTIONS';

/** The `sync` options after defaults and checks, with the flags to start from. @internal */
export interface ResolvedSyncOptions {
  loadTimeoutMs: number;
  retryIntervalMs: number;
  pollIntervalMs: number;
  listen: boolean;
  changeLogRetentionDays: number;
  bootstrap?: string | FlagSetDocument;
  seed?: string | FlagSetDocument;
}

function flagFile(name: string, value: unknown): string | FlagSetDocument | undefined {
  if (value === undefined || typeof value === 'string') return value;
  if (
    value === null ||
    typeof value !== 'object' ||
    typeof (value as { flags?: unknown }).flags !== 'object'
  ) {
    throw new FlagsConfigurationError(
      `${name} must be a file path or a flag set document with a "flags" object.`,
    );
  }
  return value as FlagSetDocument;
}

/** @internal */
export function resolveSyncOptions(
  value: unknown,
  bootstrap: unknown,
  seed: unknown,
): ResolvedSyncOptions {
  const group = optionGroup('sync', value, '{ pollIntervalMs: 500 }');
  knownKeys('sync', group, [
    'loadTimeoutMs',
    'retryIntervalMs',
    'pollIntervalMs',
    'listen',
    'changeLogRetentionDays',
  ]);
  const bootstrapFile = flagFile('bootstrap', bootstrap);
  const seedFile = flagFile('seed', seed);
  return {
    loadTimeoutMs: wholeNumber('sync.loadTimeoutMs', group.loadTimeoutMs, 5000),
    retryIntervalMs: wholeNumber('sync.retryIntervalMs', group.retryIntervalMs, 1000),
    pollIntervalMs: wholeNumber('sync.pollIntervalMs', group.pollIntervalMs, 500),
    listen: group.listen !== false,
    // Instances follow the log for a day less than it is kept (lib/sync/change-log-horizon.ts).
    changeLogRetentionDays: wholeNumber(
      'sync.changeLogRetentionDays',
      group.changeLogRetentionDays,
      400,
      'days',
      2,
    ),
    ...(bootstrapFile === undefined ? {} : { bootstrap: bootstrapFile }),
    ...(seedFile === undefined ? {} : { seed: seedFile }),
  };
}
