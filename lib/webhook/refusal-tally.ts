import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';

/** How long refusals are counted before one line reports them. */
const WINDOW_MS = 60_000;

const increment = (counts: Map<string, number>, key: string) =>
  counts.set(key, (counts.get(key) ?? 0) + 1);

/**
 * Counts signed requests refused for their token (401) and logs them as one line a minute, with
 * counts by reason and by endpoint: anyone can send requests without a valid token, and one log
 * entry each would let them fill the application's logs. The first refusal of a quiet period
 * opens the minute; the line comes at its end (and at shutdown).
 * @internal
 */
@Injectable()
export class RefusalTally implements OnApplicationShutdown {
  private readonly logger = new Logger('FlagsModule');
  private readonly reasons = new Map<string, number>();
  private readonly endpoints = new Map<string, number>();
  private total = 0;
  private timer?: NodeJS.Timeout;
  private openedAt = 0;

  /** One refused request to `endpoint` (`deliveries`, `state`, …) for `reason`. */
  count(endpoint: string, reason: string): void {
    increment(this.reasons, reason);
    increment(this.endpoints, endpoint);
    this.total++;
    if (this.timer !== undefined) return;
    this.openedAt = Date.now();
    this.timer = setTimeout(() => this.flush(), WINDOW_MS);
    this.timer.unref();
  }

  /** Logs what was counted since the last line, if anything, and starts afresh. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.total === 0) return;
    this.logger.warn({
      event: 'flags.requests.refused',
      count: this.total,
      seconds: Math.max(1, Math.round((Date.now() - this.openedAt) / 1000)),
      reasons: Object.fromEntries(this.reasons),
      endpoints: Object.fromEntries(this.endpoints),
    });
    this.reasons.clear();
    this.endpoints.clear();
    this.total = 0;
  }

  onApplicationShutdown(): void {
    this.flush();
  }
}
