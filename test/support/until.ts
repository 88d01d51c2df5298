/** Resolves after `ms`. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Waits until `condition` holds, checking every `pollMs`; returns how long that took, or fails
 * after `timeoutMs` saying so.
 */
export async function until(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 2000,
  pollMs = 5,
): Promise<number> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) {
      throw new Error(`condition not met within ${timeoutMs} ms`);
    }
    await sleep(pollMs);
  }
  return Date.now() - started;
}
