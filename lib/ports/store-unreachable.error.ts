/**
 * The store could not reach its database at all (a connection refused, reset, timed out or lost,
 * a server shutting down, a file locked by another process), as opposed to refusing what it was
 * asked. Stores throw it, with the driver's error as `cause`, so that the module can tell an
 * outage from a refusal: a signed read is served without its replay check only during an outage.
 * A custom store should throw it for the same failures.
 * @publicApi
 */
export class StoreUnreachableError extends Error {
  constructor(override readonly cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'StoreUnreachableError';
  }
}
