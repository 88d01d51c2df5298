import type { Provider } from '@nestjs/common';
import { FlagsConfigurationError } from '../core/flags-configuration.error';
import { FlagStore } from '../ports/flag-store';
import { CHANGE_FEED, type ChangeFeed } from './change-feed';
import { type IoredisLoader, loadIoredis } from './load-ioredis';
import { RedisChangeFeed } from './redis-change-feed';
import { StoreChangeFeed } from './store-change-feed';
import { type ResolvedSyncOptions, SYNC_OPTIONS } from './sync-options';

/** How often a subscribed Redis connection is checked: PINGs cost the database nothing. */
const REDIS_PING_MS = 5_000;
/** Longest wait for Redis to connect or answer. */
const REDIS_TIMEOUT_MS = 2_000;

/** The loader the Redis feed uses; tests replace it to play a host without ioredis. @internal */
export const IOREDIS_LOADER = 'FLAGS:IOREDIS_LOADER';

/**
 * The change feed `options` ask for: Redis when configured, else the store's own announcements
 * unless `listen` is off, else none (changes are only polled).
 * @internal
 */
export function changeFeed(
  options: ResolvedSyncOptions,
  store: FlagStore,
  load: IoredisLoader,
): ChangeFeed | null {
  const redis = options.redis;
  if (redis === undefined) return options.listen ? new StoreChangeFeed(store) : null;
  const Redis = redis.url === undefined ? undefined : load();
  if (redis.url !== undefined && Redis === undefined) {
    throw new FlagsConfigurationError(
      'sync.redis needs the ioredis package: npm install ioredis (or pass your own client).',
    );
  }
  let channel = redis.channel;
  if (channel === undefined) {
    const identity = store.identity();
    if (identity === undefined) {
      throw new FlagsConfigurationError(
        'sync.redis.channel is needed with this store, which cannot name itself: give every ' +
          'instance on the same flags the same channel, e.g. { channel: "flags:shop-api" }.',
      );
    }
    channel = `hybrid-flags:${identity}`;
  }
  return new RedisChangeFeed(
    { ...redis, channel, pingMs: REDIS_PING_MS, timeoutMs: REDIS_TIMEOUT_MS },
    Redis,
  );
}

/** @internal */
export const CHANGE_FEED_PROVIDERS: Provider[] = [
  { provide: IOREDIS_LOADER, useValue: loadIoredis },
  {
    provide: CHANGE_FEED,
    inject: [SYNC_OPTIONS, FlagStore, IOREDIS_LOADER],
    useFactory: changeFeed,
  },
];
