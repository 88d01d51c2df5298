/*
 * The Redis server the fleet's instances fan changes out through: checked to answer before
 * anything starts, and asked which of its clients are the fleet's.
 */
import Redis from 'ioredis';
import { connectionsTo } from './process-sockets';

/** FLAGS_TEST_REDIS_URL, or the local server the tests use. */
export const REDIS_URL = process.env.FLAGS_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface RedisServer {
  version: string;
  /** Clients of the server that are connections of these processes (CLIENT LIST). */
  clientsOf(pids: number[]): Promise<number>;
  close(): Promise<void>;
}

/** Connects to `url`, or fails with a message saying what to do. */
export async function openRedisServer(url = REDIS_URL): Promise<RedisServer> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 2000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined); // reported by connect() and the commands
  let version: string;
  try {
    await redis.connect();
    await redis.ping();
    const info = await redis.info('server');
    version = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
  } catch (error) {
    redis.disconnect();
    throw new Error(
      `Redis is not answering at ${url} (${(error as Error).message}). The Redis setups need a ` +
        'server: start one (redis-server), set FLAGS_TEST_REDIS_URL to another, or leave them ' +
        'out (--setups postgres-listen,mariadb-polling).',
    );
  }
  const port = Number(new URL(url).port || 6379);
  return {
    version,
    async clientsOf(pids) {
      const ours = new Set<number>();
      for (const held of connectionsTo(pids, port).values()) {
        for (const connection of held) ours.add(connection.localPort);
      }
      const list = (await redis.client('LIST')) as string;
      return list
        .split('\n')
        .map((line) => /(?:^| )addr=\S*:(\d+)(?: |$)/.exec(line)?.[1])
        .filter((clientPort) => clientPort !== undefined && ours.has(Number(clientPort))).length;
    },
    async close() {
      await redis.quit();
    },
  };
}
