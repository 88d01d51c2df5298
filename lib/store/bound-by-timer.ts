import { StoreUnreachableError } from '../ports/store-unreachable.error';

/** Methods that are not operations on the database: `watch` runs until stopped. */
const UNBOUNDED = new Set<PropertyKey>(['watch', 'constructor']);

/**
 * A store of the host's own (or its ledger, or its usage store), bounded by a timer: a method
 * whose promise does not settle within `timeoutMs` rejects with StoreUnreachableError (what it
 * started goes on, unwatched). The same object otherwise (a proxy: `instanceof` holds). The
 * TypeORM store bounds itself, with the database's own mechanisms.
 * @internal
 */
export function boundByTimer<T extends object>(target: T, timeoutMs: number): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value = Reflect.get(object, property, receiver) as unknown;
      if (typeof value !== 'function' || UNBOUNDED.has(property)) return value;
      return (...args: unknown[]) => {
        const result = (value as (...a: unknown[]) => unknown).apply(object, args);
        if (!(result instanceof Promise)) return result;
        let timer: NodeJS.Timeout | undefined;
        const expired = new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            const cause = new Error(`the store did not answer within ${timeoutMs} ms`);
            reject(new StoreUnreachableError(cause));
          }, timeoutMs);
          timer.unref();
        });
        return Promise.race([result, expired]).finally(() => clearTimeout(timer));
      };
    },
  });
}
