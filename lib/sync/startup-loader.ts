import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { FlagState } from '../core/flag-state';
import { SYNC_OPTIONS, type ResolvedSyncOptions } from './sync-options';
import { FlagStore } from '../ports/flag-store';
import type { FlagSetDocument } from '../core/flag-set-document';
import { flagSetFromStore } from './flag-set-from-store';
import { planChange } from '../core/plan-change';
import { readFlagFile } from '../core/read-flag-file';
import { withTimeout } from '../core/with-timeout';
import { counted } from '../core/counted';

/** How often startup tries the store again within `loadTimeoutMs`. */
const BOOT_RETRY_MS = 50;

/**
 * Loads the store's flags into the state at startup, holding the application back until they
 * are loaded or `loadTimeoutMs` has passed, then serving the bootstrap flags; FlagRefresher
 * goes on from there.
 * @internal
 */
@Injectable()
export class StartupLoader implements OnApplicationBootstrap {
  private readonly logger = new Logger('FlagsModule');
  private seed?: FlagSetDocument;
  private loading?: Promise<boolean>;
  /**
   * Why the last load failed while startup waits for the store: a database still connecting is
   * not an error yet, so it is said once, when the wait ends without the store's flags.
   */
  private waiting?: { error?: unknown };

  constructor(
    @Inject(SYNC_OPTIONS) private readonly options: ResolvedSyncOptions,
    private readonly store: FlagStore,
    private readonly state: FlagState,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.boot();
    } finally {
      this.state.startupDone();
    }
  }

  /**
   * Reads the whole store and serves its flags; false when the store could not be read. Calls
   * made while a load runs share it.
   */
  loadOnce(): Promise<boolean> {
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async boot(): Promise<void> {
    const { bootstrap, seed, loadTimeoutMs } = this.options;
    const fallback = bootstrap === undefined ? undefined : readFlagFile('bootstrap', bootstrap);
    this.seed = seed === undefined ? undefined : readFlagFile('seed', seed).document;
    this.waiting = {};
    const loaded = await this.loadWithin(loadTimeoutMs);
    const failure = this.waiting.error ?? new Error(`no answer within ${loadTimeoutMs} ms`);
    this.waiting = undefined;
    if (loaded) return;
    if (fallback !== undefined) {
      this.state.serve({
        flagSet: fallback.flagSet,
        source: 'bootstrap',
        revision: 0,
        checksum: '',
        loadedAt: new Date(),
      });
    }
    this.state.storeFailed(
      failure,
      fallback === undefined
        ? 'No flags loaded yet: evaluations serve their code defaults until it answers.'
        : `Serving ${counted(fallback.flagSet.size, 'bootstrap flag')} until it answers.`,
    );
  }

  /**
   * Tries to load until it succeeds or `ms` has passed: a database that is still connecting
   * when the application starts gets the whole window, not one attempt.
   */
  private async loadWithin(ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    });
    try {
      while (Date.now() < deadline) {
        if (await Promise.race([this.loadOnce(), timedOut])) return true;
        const pause = new Promise<void>((resolve) => setTimeout(resolve, BOOT_RETRY_MS));
        await Promise.race([pause, timedOut]);
      }
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  private async load(): Promise<boolean> {
    try {
      await withTimeout(this.readAndServe(), this.options.loadTimeoutMs, 'The store');
      return true;
    } catch (error) {
      if (this.waiting !== undefined) {
        this.waiting.error = error;
        return false;
      }
      const served = this.state.served;
      this.state.storeFailed(
        error,
        served.source === 'store'
          ? `Serving revision ${served.revision} from memory until it answers.`
          : 'Retrying in the background.',
      );
      return false;
    }
  }

  private async readAndServe(): Promise<void> {
    if (this.seed !== undefined) await this.seedEmptyStore(this.seed);
    const stored = await this.store.load();
    const taken = this.state.serve({
      flagSet: flagSetFromStore(stored),
      source: 'store',
      revision: stored.revision,
      checksum: stored.checksum,
      loadedAt: new Date(),
    });
    this.state.storeAnswered(
      `Serving the store's flags, revision ${stored.revision}${taken ? '' : ' (already newer)'}.`,
    );
  }

  private async seedEmptyStore(seed: FlagSetDocument): Promise<void> {
    const current = await this.store.load();
    if (current.revision !== 0) {
      this.seed = undefined;
      return;
    }
    const outcome = await this.store.apply(
      planChange(current, seed, 1, { actor: 'seed', at: new Date() }),
    );
    this.seed = undefined;
    if (outcome.status === 'applied') {
      this.logger.log(
        `Seeded the empty store with ${counted(Object.keys(seed.flags).length, 'flag')} (revision 1).`,
      );
    }
  }
}
