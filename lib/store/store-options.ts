import { FlagsConfigurationError } from '../core/flags-configuration.error';
import { knownKeys, wholeNumber } from '../core/option-checks';
import type { FlagStore } from '../ports/flag-store';

/** How long one store operation may take by default. @internal */
export const DEFAULT_STORE_TIMEOUT_MS = 5000;

/** How many pool connections the store's operations hold at once by default. @internal */
export const DEFAULT_STORE_CONNECTIONS = 2;

/**
 * How the module uses the database. Every operation it sends there (a read, a delivery, a usage
 * flush, a purge) ends within `timeoutMs`: through the database's own timeouts where it has them
 * (PostgreSQL's statement, lock and idle-in-transaction timeouts, MySQL's lock wait timeout), and
 * by giving the connection up where it does not answer at all. A delivery or a signed read that
 * cannot finish in time answers 503 with `Retry-After`, and its transaction rolls back.
 * @publicApi
 */
export interface StoreOptions {
  /**
   * A store of your own, instead of the TypeORM store on the DataSource; its operations are
   * bounded by `timeoutMs` too (by a timer: it knows its database best).
   * @example use: new InMemoryFlagStore()
   * @default a TypeOrmFlagStore on the DataSource
   */
  use?: FlagStore;
  /** How long one operation may take, waiting for a connection included. @default 5000 */
  timeoutMs?: number;
  /**
   * How many connections of the host's pool the module's operations hold at once at most, besides
   * the one PostgreSQL's LISTEN holds: while the database hangs, the host's own queries keep the
   * rest of its pool.
   * @default 2
   */
  connections?: number;
}

/** The `store` options after defaults and checks. @internal */
export interface ResolvedStoreOptions {
  use?: FlagStore;
  timeoutMs: number;
  connections: number;
}

const isFlagStore = (value: unknown): value is FlagStore =>
  typeof (value as Partial<FlagStore> | null)?.load === 'function';

/** `store` is a FlagStore, or StoreOptions. @internal */
export function resolveStoreOptions(value: unknown): ResolvedStoreOptions {
  if (isFlagStore(value))
    return {
      use: value,
      timeoutMs: DEFAULT_STORE_TIMEOUT_MS,
      connections: DEFAULT_STORE_CONNECTIONS,
    };
  if (value !== undefined && (value === null || typeof value !== 'object')) {
    throw new FlagsConfigurationError(
      'store is a FlagStore (for example new InMemoryFlagStore()) or { timeoutMs, connections, use }.',
    );
  }
  const group = (value ?? {}) as Record<string, unknown>;
  knownKeys('store', group, ['use', 'timeoutMs', 'connections']);
  if (group.use !== undefined && !isFlagStore(group.use)) {
    throw new FlagsConfigurationError(
      'store.use must be a FlagStore (for example new InMemoryFlagStore()).',
    );
  }
  return {
    ...(group.use === undefined ? {} : { use: group.use as FlagStore }),
    timeoutMs: wholeNumber('store.timeoutMs', group.timeoutMs, DEFAULT_STORE_TIMEOUT_MS),
    connections: wholeNumber(
      'store.connections',
      group.connections,
      DEFAULT_STORE_CONNECTIONS,
      'connections',
    ),
  };
}
