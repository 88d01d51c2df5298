import { FlagsConfigurationError } from '../core/flags-configuration.error';
import type { FlagSetDocument } from '../core/flag-set-document';
import { knownKeys, optionGroup, wholeNumber } from '../core/option-checks';
import type { RedisClient } from './redis-connection';

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
   * up changes another instance received, while no change notifications reach it (none are
   * set up, or they are interrupted).
   * @default 500
   */
  pollIntervalMs?: number;
  /**
   * How often each instance reads the store's revision while change notifications reach it
   * (PostgreSQL's LISTEN, or `redis`), jittered by ±20% so a fleet's reads spread out: the safety
   * net for an announcement that never came. When notifications stop, polling goes back to
   * `pollIntervalMs` at once.
   * @default 30000
   */
  safetyPollIntervalMs?: number;
  /**
   * On PostgreSQL without `redis`, hold one connection of the application's pool in LISTEN to
   * pick up changes within milliseconds. Turn it off where LISTEN cannot work, such as behind
   * PgBouncer in transaction pooling mode: changes then arrive within `pollIntervalMs`, or
   * through `redis`.
   * @default true
   */
  listen?: boolean;
  /**
   * Announce changes to every instance through Redis pub/sub (needs the `ioredis` package):
   * for MySQL/MariaDB, SQLite, PostgreSQL behind PgBouncer, and large fleets. The instance that
   * receives a delivery publishes its revision after the commit; the others read what changed
   * from the store, which stays the only source of truth. While Redis is down, instances poll
   * every `pollIntervalMs`. Replaces PostgreSQL's LISTEN.
   * @example { url: 'redis://127.0.0.1:6379' }
   */
  redis?: RedisSyncOptions;
  /**
   * Days the change log (`GET /_flags/audit`, and what instances follow to pick up a change)
   * keeps its entries; older ones are deleted once a day by each instance. At least 2: an
   * instance follows the log for a day less than it is kept.
   * @default 400
   */
  changeLogRetentionDays?: number;
}

/**
 * Where the instances announce their changes to each other: a Redis server by URL, or an
 * ioredis client of the application's own (duplicated into the module's own connections, never
 * closed by the module).
 * @publicApi
 */
export interface RedisSyncOptions {
  /** e.g. `redis://:password@redis.internal:6379/0`, or `rediss://` for TLS. */
  url?: string;
  client?: RedisClient;
  /**
   * The channel the instances share. By default one per flag store (its database and tables),
   * so applications sharing a Redis server never hear each other.
   */
  channel?: string;
}

/** The `sync` group of the resolved options. @internal */
export const SYNC_OPTIONS = 'FLAGS:SYNC_OPTIONS';

/** The `sync` options after defaults and checks, with the flags to start from. @internal */
export interface ResolvedSyncOptions {
  loadTimeoutMs: number;
  retryIntervalMs: number;
  pollIntervalMs: number;
  safetyPollIntervalMs: number;
  listen: boolean;
  redis?: RedisSyncOptions;
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

const REDIS_EXAMPLE = "{ url: 'redis://127.0.0.1:6379' }";

function redisOptions(value: unknown): RedisSyncOptions | undefined {
  if (value === undefined) return undefined;
  const group = optionGroup('sync.redis', value, REDIS_EXAMPLE);
  knownKeys('sync.redis', group, ['url', 'client', 'channel']);
  const { url, client, channel } = group;
  if ((url === undefined) === (client === undefined)) {
    throw new FlagsConfigurationError(
      `sync.redis takes either a url or an ioredis client, e.g. ${REDIS_EXAMPLE}.`,
    );
  }
  if (url !== undefined && (typeof url !== 'string' || !/^rediss?:\/\/./.test(url))) {
    throw new FlagsConfigurationError(
      'sync.redis.url must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379.',
    );
  }
  if (client !== undefined) {
    const { publish, duplicate } = (client ?? {}) as Record<string, unknown>;
    if (typeof publish !== 'function' || typeof duplicate !== 'function') {
      throw new FlagsConfigurationError(
        'sync.redis.client must be an ioredis client (new Redis(...) from the ioredis package).',
      );
    }
  }
  if (
    channel !== undefined &&
    (typeof channel !== 'string' || !/^[\x21-\x7e]{1,200}$/.test(channel))
  ) {
    throw new FlagsConfigurationError(
      'sync.redis.channel must be 1 to 200 printable ASCII characters without spaces.',
    );
  }
  return group as RedisSyncOptions;
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
    'safetyPollIntervalMs',
    'listen',
    'redis',
    'changeLogRetentionDays',
  ]);
  const bootstrapFile = flagFile('bootstrap', bootstrap);
  const seedFile = flagFile('seed', seed);
  const pollIntervalMs = wholeNumber('sync.pollIntervalMs', group.pollIntervalMs, 500);
  const redis = redisOptions(group.redis);
  return {
    loadTimeoutMs: wholeNumber('sync.loadTimeoutMs', group.loadTimeoutMs, 5000),
    retryIntervalMs: wholeNumber('sync.retryIntervalMs', group.retryIntervalMs, 1000),
    pollIntervalMs,
    safetyPollIntervalMs: wholeNumber(
      'sync.safetyPollIntervalMs',
      group.safetyPollIntervalMs,
      Math.max(30_000, pollIntervalMs),
      'milliseconds',
      pollIntervalMs,
    ),
    listen: group.listen !== false,
    ...(redis === undefined ? {} : { redis }),
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
