/*
 * Starts a fleet of example-app instances on one database, a few at a time, and waits until
 * each serves the store's flags (startup runs the migrations and the seed, then loads them).
 */
import { type AppProcess, health, startExampleApp } from '../../test/support/app-cluster';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const STORE_TIMEOUT_MS = 60_000;

/** Polls GET /health until the instance serves the store's flags. */
async function untilServingStore(app: AppProcess): Promise<void> {
  const deadline = Date.now() + STORE_TIMEOUT_MS;
  for (;;) {
    const flags = await health(app);
    if (flags.source === 'store' && flags.storeReachable === true) return;
    if (Date.now() > deadline) {
      throw new Error(
        `${app.url} still serves ${String(flags.source)} flags after ${STORE_TIMEOUT_MS} ms:\n${app.output()}`,
      );
    }
    await sleep(100);
  }
}

/**
 * Starts `count` instances with `env`, `concurrency` at a time, each until it serves the store's
 * flags. `started` receives every process as soon as it runs, so that a caller's `finally`
 * stops them all even when a later one fails to start.
 */
export async function startFleet(
  count: number,
  env: Record<string, string>,
  concurrency: number,
  started: AppProcess[],
): Promise<AppProcess[]> {
  const apps: AppProcess[] = new Array<AppProcess>(count);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < count && !failed) {
      const index = next++;
      try {
        const app = await startExampleApp(env);
        started.push(app);
        await untilServingStore(app);
        apps[index] = app;
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  // Every worker ends before this returns or throws: none starts a process behind the caller.
  const outcomes = await Promise.allSettled(
    Array.from({ length: Math.min(concurrency, count) }, worker),
  );
  const failure = outcomes.find((outcome) => outcome.status === 'rejected');
  if (failure) throw failure.reason;
  return apps;
}
