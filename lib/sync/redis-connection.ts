/**
 * An ioredis client of the application's (`sync.redis.client`): the module opens its own two
 * connections with `duplicate()`, with the same server and settings, and never uses or closes
 * the client itself.
 * @publicApi
 */
export interface RedisClient {
  duplicate(options?: Record<string, unknown>): unknown;
}

/** The part of an ioredis connection the Redis change feed uses. @internal */
export interface RedisConnection extends RedisClient {
  publish(channel: string, message: string): Promise<unknown>;
  subscribe(channel: string): Promise<unknown>;
  ping(): Promise<unknown>;
  disconnect(reconnect?: boolean): void;
  on(event: 'message', listener: (channel: string, message: string) => void): unknown;
  on(event: 'ready' | 'close', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  removeAllListeners(): unknown;
}

/** ioredis's default export, as the module constructs it. @internal */
export type RedisConstructor = new (
  url: string,
  options: Record<string, unknown>,
) => RedisConnection;
