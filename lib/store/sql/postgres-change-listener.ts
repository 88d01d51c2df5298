import type { DataSource } from 'typeorm';
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

/**
 * Holds one connection of the DataSource's pool in `LISTEN` for the store's change
 * notifications, and calls `onChange` for each. A lost connection is replaced after
 * `reconnectMs`; `onChange` is called again once listening resumes, since notifications sent in
 * between are lost. `onError` hears of each connection lost or not obtained (for metrics).
 * @internal
 */
export class PostgresChangeListener {
  private stopped = false;
  private timer?: NodeJS.Timeout;
  private held?: { client: ListeningClient; release: Release };

  constructor(
    private readonly dataSource: DataSource,
    /** The payload this store's changes carry (its state table). */
    private readonly payload: string,
    private readonly onChange: () => void,
    private readonly onError: (error: Error) => void = () => undefined,
    private readonly reconnectMs = 1000,
    private readonly stopTimeoutMs = 5000,
  ) {}

  start(): void {
    void this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    const held = this.held;
    this.held = undefined;
    if (held === undefined) return;
    for (const event of EVENTS) held.client.removeAllListeners(event);
    // Returned to the pool clean, or destroyed when it cannot be: a database that does not answer
    // the UNLISTEN within `stopTimeoutMs` must not hold the application's shutdown.
    let timer: NodeJS.Timeout | undefined;
    const answered = await Promise.race([
      held.client.query(`UNLISTEN ${CHANGE_CHANNEL}`).then(
        () => undefined,
        (error: Error) => error,
      ),
      new Promise<Error>((resolve) => {
        timer = setTimeout(
          () => resolve(new Error(`UNLISTEN did not answer within ${this.stopTimeoutMs} ms`)),
          this.stopTimeoutMs,
        );
      }),
    ]);
    clearTimeout(timer);
    held.release(answered);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    let client: ListeningClient;
    let release: Release;
    try {
      const driver = this.dataSource.driver as unknown as PostgresDriverPool;
      [client, release] = await driver.obtainMasterConnection();
    } catch (error) {
      this.onError(error as Error);
      this.retry();
      return;
    }
    const held = { client, release };
    const lost = (error?: Error) => {
      if (this.held !== held) return;
      this.held = undefined;
      for (const event of EVENTS) client.removeAllListeners(event);
      const cause = error ?? new Error('the LISTEN connection ended');
      // An error destroys the connection instead of returning it to the pool.
      release(cause);
      this.onError(cause);
      this.retry();
    };
    client.on('notification', (message) => {
      if (message.channel === CHANGE_CHANNEL && message.payload === this.payload) this.onChange();
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
    this.onChange();
  }

  private retry(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.connect(), this.reconnectMs);
    this.timer.unref();
  }
}
