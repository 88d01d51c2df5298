import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { FlagState } from '../core/flag-state';
import type { ServedFlags } from '../core/served-flags';
import { SYNC_OPTIONS, type ResolvedSyncOptions } from './sync-options';
import { ActivityCounters } from '../core/activity-counters';
import { DAY_MS } from '../staleness/utc-days';
import { FlagStore } from '../ports/flag-store';
import { changeLogCovers } from './change-log-horizon';
import { DailyTask } from '../core/daily-task';
import { followChangeLog } from './follow-change-log';
import { StartupLoader } from './startup-loader';
import { withTimeout } from '../core/with-timeout';

/** Change-log entries read for one refresh; a larger change reloads the whole set. */
const MAX_CHANGES = 500;

/** How long a change-log purge that failed waits before it is tried again. */
const PURGE_RETRY_MS = 3_600_000;

/**
 * Keeps the snapshot this instance serves equal to the store's, whichever instance received
 * the change: it reads the store's revision every `pollIntervalMs`, and at once when the store
 * announces a change (PostgreSQL), then loads what changed from the change log, or everything
 * when the log cannot tell. A failed read keeps the snapshot served; the instance never goes
 * back to an older revision.
 *
 * The log keeps `changeLogRetentionDays`: each instance deletes older entries once a day, after a
 * refresh, and an instance that has not seen the store for nearly that long reloads every flag
 * rather than follow a log that may have lost entries it lacks.
 * @internal
 */
@Injectable()
export class FlagRefresher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('FlagsModule');
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private running?: Promise<void>;
  private again = false;
  private unwatch?: () => Promise<void>;
  private behind = false;
  /** The snapshot served when a read last found the store at its revision, and when. */
  private confirmed?: { snapshot: ServedFlags; at: Date };
  private purgeFailing = false;
  private readonly changeLogPurge = new DailyTask(
    (now) => this.purgeChangeLog(now),
    PURGE_RETRY_MS,
    (error) => this.purgeFailed(error),
  );

  constructor(
    @Inject(SYNC_OPTIONS) private readonly options: ResolvedSyncOptions,
    private readonly store: FlagStore,
    private readonly state: FlagState,
    private readonly loader: StartupLoader,
    private readonly activity: ActivityCounters,
  ) {}

  /**
   * Starts following the store once startup is done. Not awaited here: the startup loader's own
   * hook, which holds the application until the flags are loaded, may run after this one.
   */
  onApplicationBootstrap(): void {
    void this.state.started.then(() => this.start());
  }

  private start(): void {
    if (this.stopped) return;
    try {
      if (this.options.listen) {
        this.unwatch = this.store.watch(
          () => void this.refresh(),
          // Counted, not logged: the store reconnects by itself, and polling covers the gap.
          () => this.activity.notifyFailed(),
        );
      }
    } catch (error) {
      this.logger.warn(
        `Change notifications are off (${(error as Error).message}); polling every ${this.options.pollIntervalMs} ms.`,
      );
    }
    this.schedule();
  }

  /**
   * Stops before any shutdown hook runs: the LISTEN connection must be back in the pool before
   * TypeORM closes it, or closing the pool would wait for it forever.
   */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.unwatch?.();
    await this.running;
    // A purge in progress may end while the database is open. Past the timeout shutdown goes on,
    // and the purge fails at its next batch, unlogged, having deleted whole batches only.
    await withTimeout(this.changeLogPurge.idle, this.options.loadTimeoutMs, 'The purge').catch(
      () => undefined,
    );
  }

  /**
   * Brings the snapshot up to the store's revision now. A refresh asked for while one runs
   * runs once more after it, so no announced change is missed.
   */
  refresh(): Promise<void> {
    if (this.running !== undefined) {
      this.again = true;
      return this.running;
    }
    this.running = this.check().finally(() => {
      this.running = undefined;
      if (this.again && !this.stopped) {
        this.again = false;
        void this.refresh();
      }
    });
    return this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    const { pollIntervalMs, retryIntervalMs } = this.options;
    const delay = this.state.storeReachable ? pollIntervalMs : retryIntervalMs;
    this.timer = setTimeout(() => {
      void this.refresh().then(() => this.schedule());
    }, delay);
    this.timer.unref();
  }

  private async check(): Promise<void> {
    const current = this.state.served;
    if (current.source !== 'store') {
      if (!(await this.loader.loadOnce())) this.activity.reloadFailed();
      return;
    }
    try {
      await withTimeout(this.follow(), this.options.loadTimeoutMs, 'The store');
    } catch (error) {
      this.activity.reloadFailed();
      this.state.storeFailed(
        error,
        `Serving revision ${this.state.served.revision} from memory until it answers; changes wait.`,
      );
      return;
    }
    // Not awaited: a slow or failing purge never holds a refresh back.
    if (!this.stopped) void this.changeLogPurge.runIfDue();
  }

  private async follow(): Promise<void> {
    const readAt = new Date();
    const state = await this.store.state();
    const current = this.state.served;
    this.state.storeAnswered(
      `The store answers again; serving revision ${current.revision} and following its changes.`,
    );
    if (state.revision < current.revision) {
      if (!this.behind) {
        this.logger.warn(
          `The store is at revision ${state.revision}, behind the revision ${current.revision} served (restored from a backup?): serving ${current.revision} until the store moves past it.`,
        );
      }
      this.behind = true;
      return;
    }
    // After the store went back, its revisions after ours may not build on what we serve.
    const sameHistory = !this.behind;
    this.behind = false;
    if (state.revision === current.revision && state.checksum === current.checksum) {
      this.confirmed = { snapshot: current, at: readAt };
      return;
    }
    if (state.revision > current.revision && sameHistory && this.logCovers(current, readAt)) {
      const records = await this.store.changesSince(current.revision, MAX_CHANGES);
      const next = followChangeLog(current, state, records, MAX_CHANGES);
      if (next !== undefined) {
        this.state.serve(next.snapshot, next.changedKeys);
        this.confirmed = { snapshot: next.snapshot, at: readAt };
        return;
      }
    }
    if (!(await this.loader.loadOnce())) throw new Error(this.state.lastError);
  }

  /**
   * Whether the change log still holds every entry `current` lacks: the entries after its
   * revision were recorded after the store was last seen at it, or after it was loaded.
   */
  private logCovers(current: ServedFlags, now: Date): boolean {
    const confirmed = this.confirmed;
    const knownAt = confirmed?.snapshot === current ? confirmed.at : current.loadedAt;
    return changeLogCovers(knownAt, now, this.options.changeLogRetentionDays);
  }

  private async purgeChangeLog(now: Date): Promise<void> {
    const cutoff = new Date(now.getTime() - this.options.changeLogRetentionDays * DAY_MS);
    await this.store.forgetChanges(cutoff);
    this.purgeFailing = false;
  }

  /** Said once until a purge succeeds: meanwhile old entries only stay a little longer. */
  private purgeFailed(error: unknown): void {
    if (this.stopped || this.purgeFailing) return;
    this.purgeFailing = true;
    const message = error instanceof Error ? error.message : String(error);
    this.logger.warn(
      `Could not delete the change-log entries older than ${this.options.changeLogRetentionDays} ` +
        `days (${message}); trying again in an hour. Deliveries and evaluations are not affected.`,
    );
  }
}
