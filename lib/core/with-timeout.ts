/**
 * `promise`, or a rejection after `ms`: a database connection that hangs (a network partition
 * drops packets rather than refusing them) must not stall loading or refreshing forever.
 * @internal
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The error `promise` ends with, or undefined when it succeeds, within `ms` (after which the
 * timeout is the error): for a check or a clean-up whose failure is handled, not thrown.
 * @internal
 */
export function failureWithin(
  promise: Promise<unknown>,
  ms: number,
  what: string,
): Promise<Error | undefined> {
  return withTimeout(promise, ms, what).then(
    () => undefined,
    (error: Error) => error,
  );
}

/**
 * `ms` spread by ±20%, so that the checks and polls of a fleet started together do not arrive
 * together.
 * @internal
 */
export function jittered(ms: number): number {
  return ms * (0.8 + 0.4 * Math.random());
}
