import { failureWithin, jittered, withTimeout } from '../core/with-timeout';
import type { ChangeFeed, ChangeFeedListener } from './change-feed';
import type { RedisClient, RedisConnection, RedisConstructor } from './redis-connection';

/** Where the Redis change feed connects, and how long it waits. @internal */
export interface RedisFeedSettings {
  /** Connects to this URL, or as `client` does (duplicating it). */
  url?: string;
  client?: RedisClient;
  channel: string;
  /** How often the subscribed connection is checked with PING. */
  pingMs: number;
  /** Longest wait for a connection, a PING or a PUBLISH. */
  timeoutMs: number;
}

/** A revision as published: a whole number, in decimal. */
const REVISION = /^[1-9][0-9]{0,15}$/;

/**
 * Announcements through a Redis channel: an instance publishes the revision it committed, and
 * every instance subscribed reads the store's changes. Redis carries no flag, only the news that
 * the store moved, so what Redis loses or delays the safety poll picks up, and a Redis that is
 * down changes nothing for evaluations.
 *
 * Two connections: one subscribed (a subscribed connection can do nothing else), one to publish,
 * both checked with PING. ioredis reconnects them by itself; the subscription is renewed on each
 * connection, after which the instance reads the store once, as a change may have been announced
 * while it was away.
 * @internal
 */
export class RedisChangeFeed implements ChangeFeed {
  readonly name = 'Redis';
  readonly channel: string;
  private subscriber?: RedisConnection;
  private publisher?: RedisConnection;
  private pinger?: NodeJS.Timeout;
  /** The newest revision whose announcement failed, sent again when the publisher reconnects. */
  private unannounced?: number;
  private stopped = false;
  private lastError?: Error;

  constructor(
    private readonly settings: RedisFeedSettings,
    private readonly Redis: RedisConstructor | undefined,
  ) {
    this.channel = settings.channel;
  }

  start(listener: ChangeFeedListener): void {
    const { url, client, channel } = this.settings;
    const options = {
      // Commands fail at once while the connection is down instead of waiting in a queue.
      enableOfflineQueue: false,
      autoResubscribe: false,
      connectTimeout: this.settings.timeoutMs,
      maxRetriesPerRequest: 1,
      // Back within a second of Redis: polling covers the gap meanwhile.
      retryStrategy: (times: number) => Math.min(times * 100, 1000),
    };
    // Connections of the module's own, even from the application's client: the module closes
    // and reconnects them as it needs, and never touches the application's.
    const connect = (): RedisConnection =>
      client !== undefined
        ? (client.duplicate(options) as RedisConnection)
        : new (this.Redis as RedisConstructor)(url as string, options);
    const publisher = connect();
    const subscriber = connect();
    this.publisher = publisher;
    publisher.on('error', () => undefined);
    publisher.on('ready', () => void this.announceAgain(publisher));
    this.subscriber = subscriber;
    subscriber.on('error', (error) => (this.lastError = error));
    subscriber.on('message', (from, message) => {
      if (from !== channel) return;
      listener.changed(REVISION.test(message) ? Number(message) : undefined);
    });
    subscriber.on('ready', () => void this.subscribe(subscriber, listener));
    subscriber.on('close', () => {
      clearTimeout(this.pinger);
      if (this.stopped) return;
      const cause = this.lastError ?? new Error('the Redis connection closed');
      this.lastError = undefined;
      listener.down(cause);
    });
  }

  /** The error of `command`, or undefined, within `timeoutMs`. */
  private bounded(command: Promise<unknown>, name: string): Promise<Error | undefined> {
    return failureWithin(command, this.settings.timeoutMs, `Redis (${name})`);
  }

  private async subscribe(
    subscriber: RedisConnection,
    listener: ChangeFeedListener,
  ): Promise<void> {
    const failure = await this.bounded(subscriber.subscribe(this.settings.channel), 'SUBSCRIBE');
    if (this.stopped) return;
    if (failure !== undefined) {
      this.lastError = failure;
      subscriber.disconnect(true);
      return;
    }
    this.ping(subscriber);
    listener.up();
  }

  /**
   * A connection that died without closing (a network partition) delivers nothing and would
   * pass for a quiet store: a PING that does not answer closes it, and the reconnection follows.
   */
  private ping(subscriber: RedisConnection): void {
    clearTimeout(this.pinger);
    this.pinger = setTimeout(() => {
      // The publisher too, idle between deliveries: a NAT may drop it without a word.
      const publisher = this.publisher as RedisConnection;
      void this.bounded(publisher.ping(), 'PING').then((failure) => {
        if (failure !== undefined && !this.stopped) publisher.disconnect(true);
      });
      void this.bounded(subscriber.ping(), 'PING').then((failure) => {
        if (this.stopped) return;
        if (failure === undefined) {
          this.ping(subscriber);
          return;
        }
        this.lastError = failure;
        subscriber.disconnect(true);
      });
    }, jittered(this.settings.pingMs));
    this.pinger.unref();
  }

  /**
   * Publishes `revision`. A publisher that fails is reconnected, and the newest revision it
   * failed to announce goes out once it is back: the others would otherwise wait for their
   * safety poll.
   */
  async announce(revision: number): Promise<void> {
    const publisher = this.publisher;
    if (publisher === undefined || this.stopped) return;
    try {
      await withTimeout(
        publisher.publish(this.settings.channel, String(revision)),
        this.settings.timeoutMs,
        'Redis (PUBLISH)',
      );
    } catch (error) {
      this.unannounced = Math.max(this.unannounced ?? 0, revision);
      if (!this.stopped) publisher.disconnect(true);
      throw error;
    }
  }

  private async announceAgain(publisher: RedisConnection): Promise<void> {
    const revision = this.unannounced;
    if (revision === undefined || this.stopped) return;
    const failure = await this.bounded(
      publisher.publish(this.settings.channel, String(revision)),
      'PUBLISH',
    );
    if (failure === undefined && this.unannounced === revision) this.unannounced = undefined;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.pinger);
    this.subscriber?.disconnect();
    this.publisher?.disconnect();
  }
}
