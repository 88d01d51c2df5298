/*
 * When an instance starts serving a revision: GET /health (the flags' revision, from memory)
 * polled on a fixed tick from the delivery's 200. /health evaluates no flag, so probing adds no
 * usage counts, and no usage writes, to the database statistics being measured.
 */
import { type AppProcess, health } from '../../test/support/app-cluster';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Milliseconds from `since` to the first response of `app` that serves `revision` or later
 * (the response's arrival: at most one tick plus a request late), or undefined when it does
 * not within `timeoutMs`. Probes at `since`, then at each multiple of `tickMs` after it.
 */
export async function convergence(
  app: AppProcess,
  revision: number,
  since: number,
  tickMs: number,
  timeoutMs: number,
): Promise<number | undefined> {
  for (;;) {
    const flags = await health(app);
    const now = performance.now();
    if (Number(flags.revision) >= revision) return now - since;
    if (now - since > timeoutMs) return undefined;
    // The next tick still ahead: a slow answer skips ticks rather than probing back to back.
    await sleep(since + (Math.floor((now - since) / tickMs) + 1) * tickMs - now);
  }
}

/** The nearest-rank percentile `p` (0–100) of `values`. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
