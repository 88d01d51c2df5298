import type { DataSource } from 'typeorm';
import { failureWithin, jittered } from '../../core/with-timeout';
import { CHANGE_CHANNEL } from './change-channel';

interface Notification {
  channel: string;
  payload?: string;
}

/** The part of a `pg` client the listener uses. */
interface ListeningClient {
  query(sql: string): Promise<unknown>;
  on(event: 'notification', listener: (message: Notification) => void): unknown;
  on(event: 'error' | 'end', listener: (error?: Error) => void): unknown;
  removeAllListeners(event: 'notification' | 'error' | 'end'): unknown;
}

type Release = (error?: Error) => void;

/** TypeORM's PostgreSQL driver hands out connections of its pool this way. */
interface PostgresDriverPool {
  obtainMasterConnection(): Promise<[ListeningClient, Release]>;
}

const EVENTS = ['notification', 'error', 'end'] as const;

/** What a listener calls, and how often it checks its connection. */
export interface ChangeListenerCallbacks {
  /** A change was announced, or announcements resumed after some may have been missed. */
  onChange: () => void;
  /** Listening was interrupted (a lost connection, or one that could not be obtained). */
  onError?: (error: Error) => void;
  /** Listening (re)started, before the `onChange` that follows. */
  onListening?: () => void;
}

/** How a listener waits, in ms. */
export interface ChangeListenerTimings {
  /** Wait before replacing a lost connection. @default 1000 */
  reconnectMs?: number;
  /** Longest wait for the UNLISTEN at shutdown, and for a health check. @default 5000 */
  timeoutMs?: number;
  /**
   * How often the held connection is checked with `SELECT 1`: a connection that died without
   * closing (a network partition) announces nothing, and would pass for a quiet store.
   * @default 30000
   */
  pingMs?: number;
}

/**
 * Holds one connection of the DataSource's pool in `LISTEN` for the store's change
 * notifications, and calls `onChange` for each. A lost connection is replaced after
 * `reconnectMs`; `onChange` is called again once listening resumes, since notifications sent in
 * between are lost. The held connection is checked every `pingMs`, jittered so that a fleet's
 * checks do not arrive together.
 * @internal
 */
export class PostgresChangeListener {
  private stopped = false;
  private timer?: NodeJS.Timeout;
  private pinger?: NodeJS.Timeout;
  private held?: { client: ListeningClient; release: Release };
  private readonly reconnectMs: number;
  private readonly timeoutMs: number;
  private readonly pingMs: number;

  constructor(
    private readonly dataSource: DataSource,
    /** The payload this store's changes carry (its state table). */
    private readonly payload: string,
    private readonly callbacks: ChangeListenerCallbacks,
    timings: ChangeListenerTimings = {},
  ) {
    this.reconnectMs = timings.reconnectMs ?? 1000;
    this.timeoutMs = timings.timeoutMs ?? 5000;
    this.pingMs = timings.pingMs ?? 30_000;
  }

  start(): void {
    void this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.pinger);
    const held = this.held;
    this.held = undefined;
    if (held === undefined) return;
    for (const event of EVENTS) held.client.removeAllListeners(event);
    // Returned to the pool clean, or destroyed when it cannot be: a database that does not answer
    // the UNLISTEN within `timeoutMs` must not hold the application's shutdown.
    const answered = await this.bounded(held.client, `UNLISTEN ${CHANGE_CHANNEL}`);
    held.release(answered);
  }

  /** Runs `sql` on `client`; the error, or undefined, within `timeoutMs`. */
  private bounded(client: ListeningClient, sql: string): Promise<Error | undefined> {
    return failureWithin(client.query(sql), this.timeoutMs, sql);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    let client: ListeningClient;
    let release: Release;
    try {
      const driver = this.dataSource.driver as unknown as PostgresDriverPool;
      [client, release] = await driver.obtainMasterConnection();
    } catch (error) {
      this.callbacks.onError?.(error as Error);
      this.retry();
      return;
    }
    const held = { client, release };
    const lost = (error?: Error) => {
      if (this.held !== held) return;
      this.held = undefined;
      clearTimeout(this.pinger);
      for (const event of EVENTS) client.removeAllListeners(event);
      const cause = error ?? new Error('the LISTEN connection ended');
      // An error destroys the connection instead of returning it to the pool.
      release(cause);
      this.callbacks.onError?.(cause);
      this.retry();
    };
    client.on('notification', (message) => {
      if (message.channel === CHANGE_CHANNEL && message.payload === this.payload) {
        this.callbacks.onChange();
      }
    });
    client.on('error', lost);
    client.on('end', lost);
    this.held = held;
    try {
      await client.query(`LISTEN ${CHANGE_CHANNEL}`);
    } catch (error) {
      lost(error as Error);
      return;
    }
    if (this.stopped) {
      await this.stop();
      return;
    }
    this.ping(held, lost);
    this.callbacks.onListening?.();
    this.callbacks.onChange();
  }

  private ping(held: { client: ListeningClient }, lost: (error?: Error) => void): void {
    this.pinger = setTimeout(() => {
      void this.bounded(held.client, 'SELECT 1').then((error) => {
        if (this.held !== held) return;
        if (error === undefined) this.ping(held, lost);
        else lost(error);
      });
    }, jittered(this.pingMs));
    this.pinger.unref();
  }

  private retry(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.connect(), this.reconnectMs);
    this.timer.unref();
  }
}
