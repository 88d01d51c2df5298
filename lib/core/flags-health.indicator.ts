import { Injectable } from '@nestjs/common';
import type { ServedFlagsSource } from './served-flags';
import { FlagState } from './flag-state';
import type { ChangeNotifications } from './flags-status';

/**
 * What the flags health check reports. `up`: serving the store's flags, and the store answers.
 * `degraded`: serving flags from memory while the store does not answer, or bootstrap flags or
 * code defaults because it never did. Never `down`: evaluations always answer, so an outage of
 * the flag store is no reason to take an instance out of service.
 * @publicApi
 */
export interface FlagsHealth {
  status: 'up' | 'degraded';
  source: ServedFlagsSource;
  revision: number;
  checksum: string;
  /** How long since the store last confirmed the flags served are current, in ms. */
  ageMs: number;
  storeReachable: boolean;
  /**
   * Whether change notifications reach this instance (`FlagsStatus.notifications`). `down` does
   * not make the check degraded: changes still arrive, by polling every `pollIntervalMs`.
   */
  notifications: ChangeNotifications;
  lastError?: string;
}

/**
 * The flags' health, in the shape `@nestjs/terminus` expects from an indicator (no dependency
 * on it: any health endpoint can call `check`).
 *
 * @example
 * @Get('health')
 * @HealthCheck()
 * health() {
 *   return this.health.check([() => this.flagsHealth.check('flags')]);
 * }
 * @publicApi
 */
@Injectable()
export class FlagsHealthIndicator {
  constructor(private readonly state: FlagState) {}

  /**
   * @param key the name of the check in the health report
   * @default key 'flags'
   */
  check<Key extends string = 'flags'>(key: Key = 'flags' as Key): Record<Key, FlagsHealth> {
    const status = this.state.status();
    const confirmedAt = status.lastCheckedAt ?? status.loadedAt;
    const health: FlagsHealth = {
      status: status.degraded ? 'degraded' : 'up',
      source: status.source,
      revision: status.revision,
      checksum: status.checksum,
      ageMs: Math.max(0, Date.now() - confirmedAt.getTime()),
      storeReachable: status.storeReachable,
      notifications: status.notifications,
      ...(status.lastError === undefined ? {} : { lastError: status.lastError }),
    };
    return { [key]: health } as Record<Key, FlagsHealth>;
  }
}
