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
import { CommitAnnouncer } from '../core/commit-announcer';
import { CHANGE_FEED, type ChangeFeed } from './change-feed';
import { changeLogCovers } from './change-log-horizon';
import { DailyTask } from '../core/daily-task';
import { followChangeLog } from './follow-change-log';
import { StartupLoader } from './startup-loader';
import { jittered, withTimeout } from '../core/with-timeout';

/** Change-log entries read for one refresh; a larger change reloads the whole set. */
const MAX_CHANGES = 500;

/** `ms` as the log says it: in seconds when whole. */
function duration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/** How long a change-log purge that failed waits before it is tried again. */
const PURGE_RETRY_MS = 3_600_000;

/**
 * Keeps the snapshot this instance serves equal to the store's, whichever instance received
 * the change: it reads the store's revision at once when a change is announced (PostgreSQL's
 * LISTEN, or Redis), every `safetyPollIntervalMs` while announcements arrive, and every
 * `pollIntervalMs` while they do not; then it loads what changed from the change log, or
 * everything when the log cannot tell. A failed read keeps the snapshot served; the instance
 * never goes back to an older revision.
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
  private unannounce?: () => void;
  private behind = false;
  /** The snapshot served when a read last found the store at its revision, and when. */
  private confirmed?: { snapshot: ServedFlags; at: Date };
  private purgeFailing = false;
  private announceFailing = false;
  private readonly changeLogPurge = new DailyTask(
    (now) => this.purgeChangeLog(now),
    PURGE_RETRY_MS,
    (error) => this.purgeFailed(error),
  );

  constructor(
    @Inject(SYNC_OPTIONS) private readonly options: ResolvedSyncOptions,
    @Inject(CHANGE_FEED) private readonly feed: ChangeFeed | null,
    private readonly announcer: CommitAnnouncer,
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
    const feed = this.feed;
    if (feed !== null) {
      try {
        feed.start({
          changed: (revision) => this.announced(revision),
          up: () => this.feedUp(feed),
          down: (error) => this.feedDown(feed, error),
        });
        this.unannounce = this.announcer.listen((revision) => this.announce(feed, revision));
      } catch (error) {
        this.logger.warn(
          `Change notifications are off (${(error as Error).message}); polling every ${duration(this.options.pollIntervalMs)}.`,
        );
      }
    }
    this.schedule();
  }

  /** Reads the store unless the announced revision is already served. */
  private announced(revision?: number): void {
    const served = this.state.served;
    if (revision !== undefined && served.source === 'store' && revision <= served.revision) return;
    void this.refresh();
  }

  private feedUp(feed: ChangeFeed): void {
    if (this.stopped) return;
    const was = this.state.notifications;
    this.state.notifications = 'live';
    const relaxed = `polling every ${duration(this.options.safetyPollIntervalMs)} as a safety net`;
    if (was === 'down') {
      this.logger.log(`Change notifications from ${feed.name} are back; ${relaxed}.`);
    } else {
      const channel = feed.channel === undefined ? '' : ` (channel ${feed.channel})`;
      this.logger.log(`Following changes through ${feed.name}${channel}; ${relaxed}.`);
    }
    // A change may have been announced while no one listened.
    void this.refresh();
    this.schedule();
  }

  /**
   * Counted each time (metrics), said once per interruption: the feed reconnects by itself, and
   * polling every `pollIntervalMs` covers the gap from now on.
   */
  private feedDown(feed: ChangeFeed, error: Error): void {
    this.activity.notifyFailed();
    if (this.stopped || this.state.notifications === 'down') return;
    this.state.notifications = 'down';
    this.logger.warn(
      `Change notifications from ${feed.name} are interrupted (${error.message}); polling every ${duration(this.options.pollIntervalMs)} until they are back.`,
    );
    this.schedule();
  }

  /** Said once until an announcement goes through: other instances poll meanwhile. */
  private announce(feed: ChangeFeed, revision: number): void {
    void feed.announce(revision).then(
      () => (this.announceFailing = false),
      (error: Error) => {
        this.activity.notifyFailed();
        if (this.announceFailing || this.stopped) return;
        this.announceFailing = true;
        this.logger.warn(
          `Could not announce revision ${revision} through ${feed.name} (${error.message}): ` +
            'the other instances pick it up at their next poll.',
        );
      },
    );
  }

  /**
   * Stops before any shutdown hook runs: the LISTEN connection must be back in the pool before
   * TypeORM closes it, or closing the pool would wait for it forever.
   */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.unannounce?.();
    await this.feed?.stop();
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

  /** Sets the one timer of the next read, replacing any set before. */
  private schedule(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    const { pollIntervalMs, retryIntervalMs, safetyPollIntervalMs } = this.options;
    let delay = pollIntervalMs;
    if (!this.state.storeReachable) delay = retryIntervalMs;
    else if (this.state.notifications === 'live') {
      delay = jittered(safetyPollIntervalMs);
    }
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
      const wasReachable = this.state.storeReachable;
      this.state.storeFailed(
        error,
        `Serving revision ${this.state.served.revision} from memory until it answers; changes wait.`,
      );
      // A read an announcement asked for may fail while the next poll is a safety poll, up to
      // safetyPollIntervalMs away: retried every retryIntervalMs from now on instead.
      if (wasReachable) this.schedule();
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
