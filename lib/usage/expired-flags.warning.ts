import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { FlagState } from '../core/flag-state';
import { expiredFlags } from '../staleness';

/** Expired flags named in the warning at most; the rest are counted. */
const LISTED = 20;

/**
 * Logs one warning at startup listing the flags served whose metadata `expiresAt` has passed:
 * the reminder, where every deployment reads it, that they are due for removal.
 * @internal
 */
@Injectable()
export class ExpiredFlagsWarning implements OnApplicationBootstrap {
  private readonly logger = new Logger('FlagsModule');

  constructor(private readonly state: FlagState) {}

  /** Once startup is done; not awaited, as the startup loader's hook may run after this one. */
  onApplicationBootstrap(): void {
    void this.state.started.then(() => this.warn());
  }

  private warn(): void {
    const flagSet = this.state.served.flagSet;
    const expired = expiredFlags(
      [...flagSet.keys()].map((key) => [key, flagSet.get(key)?.metadata] as const),
      new Date(),
    );
    if (expired.length === 0) return;
    const listed = expired.slice(0, LISTED).map((flag) => `${flag.key} (${flag.expiresAt})`);
    if (expired.length > LISTED) listed.push(`and ${expired.length - LISTED} more`);
    this.logger.warn(
      `${expired.length} flag${expired.length === 1 ? ' is' : 's are'} past ${
        expired.length === 1 ? 'its' : 'their'
      } expiresAt: ${listed.join(', ')}. Remove ${
        expired.length === 1 ? 'it' : 'them'
      } from the code, then from the store; \`hybrid-flags stale\` lists what else can go.`,
    );
  }
}
