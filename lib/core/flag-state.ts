import { Injectable, Logger } from '@nestjs/common';
import type { ChangeNotifications, FlagsStatus } from './flags-status';
import { type ServedFlags, type ServedFlagsChange, noFlags } from './served-flags';

/**
 * The one state of a running module: the flags it serves (swapped whole, so an evaluation sees
 * the old flags or the new, never half of a change), whether startup is done, and whether the
 * store answers. The startup loader, the refresher and deliveries write it; `FlagService`, the
 * guard, health, metrics, OpenFeature and the testing module read it.
 * @internal
 */
@Injectable()
export class FlagState {
  private readonly logger = new Logger('FlagsModule');
  private current: ServedFlags = noFlags();
  private readonly listeners = new Set<(change: ServedFlagsChange) => void>();
  private reachable?: boolean;
  private error?: string;
  private checkedAt: Date | null = null;
  private heard: ChangeNotifications = 'off';
  private markReady!: () => void;
  private markStarted!: () => void;
  /** Settles when the store's flags are served for the first time. */
  readonly ready: Promise<void> = new Promise((resolve) => (this.markReady = resolve));
  /**
   * Settles when startup no longer waits for the store: its flags are served, or the time to
   * wait for them has passed and the bootstrap flags (or code defaults) are.
   */
  readonly started: Promise<void> = new Promise((resolve) => (this.markStarted = resolve));

  /** The flags served now; read it at each evaluation, it is replaced on every change. */
  get served(): ServedFlags {
    return this.current;
  }

  /**
   * Serves `next` unless it would go back: an older store revision, or anything but the store
   * once the store's flags are served. Returns whether it was taken.
   * @param changedKeys the flags the change touched, when known; otherwise every flag counts
   */
  serve(next: ServedFlags, changedKeys?: readonly string[]): boolean {
    const previous = this.current;
    if (previous.source === 'store') {
      if (next.source !== 'store' || next.revision < previous.revision) return false;
    }
    this.current = next;
    if (next.source === 'store') this.markReady();
    if (this.listeners.size > 0) {
      const keys = changedKeys ?? [
        ...new Set([...previous.flagSet.keys(), ...next.flagSet.keys()]),
      ];
      const change = { previous, current: next, changedKeys: [...keys] };
      for (const listener of this.listeners) {
        try {
          listener(change);
        } catch {
          // A listener's failure is its own: serving the new flags does not depend on it.
        }
      }
    }
    return true;
  }

  /** Calls `listener` after every change of the flags served; returns what unsubscribes it. */
  subscribe(listener: (change: ServedFlagsChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Startup no longer waits for the store. */
  startupDone(): void {
    this.markStarted();
  }

  /** The store answered; `recovery`, if given, is logged when it had not before. */
  storeAnswered(recovery?: string, at = new Date()): void {
    if (this.reachable !== true && recovery !== undefined) this.logger.log(recovery);
    this.reachable = true;
    this.error = undefined;
    this.checkedAt = at;
  }

  /**
   * The store did not answer; `consequence` says what the instance does meanwhile. Logged when
   * that changes, never once per read: an outage is one error line and one recovery line.
   */
  storeFailed(error: unknown, consequence: string): void {
    const message = error instanceof Error ? error.message : String(error);
    if (this.reachable !== false) {
      // Driver messages may or may not end a sentence.
      const sentence = /[.!?]$/.test(message) ? message : `${message}.`;
      this.logger.error(`Cannot read the flags from the store: ${sentence} ${consequence}`);
    }
    this.reachable = false;
    this.error = message;
  }

  /** Whether the last read of the store succeeded. */
  get storeReachable(): boolean {
    return this.reachable === true;
  }

  /** Why the last read of the store failed, while it does. */
  get lastError(): string | undefined {
    return this.error;
  }

  /** When the store last answered; null before it ever did. */
  get lastCheckedAt(): Date | null {
    return this.checkedAt;
  }

  /** Whether change notifications reach this instance. */
  get notifications(): ChangeNotifications {
    return this.heard;
  }

  set notifications(value: ChangeNotifications) {
    this.heard = value;
  }

  /** What is served and how the store answers. */
  status(): FlagsStatus {
    const { source, revision, checksum, loadedAt } = this.current;
    const reachable = this.storeReachable;
    return {
      source,
      revision,
      checksum,
      loadedAt,
      storeReachable: reachable,
      lastCheckedAt: this.checkedAt,
      notifications: this.heard,
      degraded: source !== 'store' || !reachable,
      ...(this.error === undefined ? {} : { lastError: this.error }),
    };
  }
}
