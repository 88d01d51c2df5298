import { isMissingModule } from '../core/missing-module';
import type { RedisConstructor } from './redis-connection';

/**
 * Loads ioredis for `sync.redis`: undefined when it is not installed; throws when it is
 * installed but cannot be loaded.
 * @internal
 */
export type IoredisLoader = () => RedisConstructor | undefined;

/**
 * `require`d here, lazily, and nowhere else: ioredis is an optional peer dependency, needed only
 * with `sync.redis` (test/architecture/optional-peers.spec.ts checks this).
 * @internal
 */
export const loadIoredis: IoredisLoader = () => {
  try {
    const loaded = require('ioredis') as RedisConstructor & { default?: RedisConstructor };
    return loaded.default ?? loaded;
  } catch (error) {
    if (isMissingModule(error, 'ioredis')) return undefined;
    throw error;
  }
};
