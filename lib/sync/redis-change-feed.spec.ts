import { EventEmitter } from 'node:events';
import { until } from '../../test/support/until';
import type { ChangeFeedListener } from './change-feed';
import { RedisChangeFeed } from './redis-change-feed';
import type { RedisConnection, RedisConstructor } from './redis-connection';

/** An ioredis connection as the feed sees it; `pong` decides how PING answers. */
class FakeConnection extends EventEmitter {
  readonly calls: string[] = [];
  pong: () => Promise<unknown> = async () => 'PONG';
  constructor(readonly options: Record<string, unknown>) {
    super();
  }
  async subscribe(channel: string) {
    this.calls.push(`subscribe ${channel}`);
  }
  async publish(channel: string, message: string) {
    this.calls.push(`publish ${channel} ${message}`);
  }
  ping() {
    this.calls.push('ping');
    return this.pong();
  }
  disconnect(reconnect = false) {
    this.calls.push(`disconnect ${reconnect}`);
    if (reconnect) setImmediate(() => this.emit('close'));
  }
  duplicate(): unknown {
    return new FakeConnection(this.options);
  }
}

function connections() {
  const made: FakeConnection[] = [];
  const Redis = function (this: unknown, url: string, options: Record<string, unknown>) {
    const connection = new FakeConnection({ ...options, url });
    made.push(connection);
    return connection;
  } as unknown as RedisConstructor;
  return { made, Redis };
}

function recorder() {
  const heard: string[] = [];
  const listener: ChangeFeedListener = {
    changed: (revision) => heard.push(`changed ${revision}`),
    up: () => heard.push('up'),
    down: (error) => heard.push(`down ${error.message}`),
  };
  return { heard, listener };
}

const settings = { url: 'redis://cache:6379', channel: 'flags:shop', pingMs: 10, timeoutMs: 50 };

describe('RedisChangeFeed', () => {
  it('subscribes on each connection, then is up; passes on revisions of its channel only', async () => {
    const { made, Redis } = connections();
    const { heard, listener } = recorder();
    const feed = new RedisChangeFeed({ ...settings, pingMs: 60_000 }, Redis);
    feed.start(listener);
    const [publisher, subscriber] = made;
    // Commands fail at once while Redis is down rather than queue; the feed subscribes itself.
    expect(subscriber.options).toMatchObject({ enableOfflineQueue: false, autoResubscribe: false });
    subscriber.emit('ready');
    await until(() => heard.includes('up'));
    expect(subscriber.calls).toEqual(['subscribe flags:shop']);

    subscriber.emit('message', 'flags:shop', '42');
    subscriber.emit('message', 'flags:other', '43');
    subscriber.emit('message', 'flags:shop', 'not a revision');
    expect(heard).toEqual(['up', 'changed 42', 'changed undefined']);

    subscriber.emit('error', new Error('connect ECONNREFUSED 127.0.0.1:6379'));
    subscriber.emit('close');
    expect(heard.at(-1)).toBe('down connect ECONNREFUSED 127.0.0.1:6379');

    await feed.announce(44);
    expect(publisher.calls).toEqual(['publish flags:shop 44']);
    await feed.stop();
    expect(subscriber.calls.at(-1)).toBe('disconnect false');
    expect(publisher.calls.at(-1)).toBe('disconnect false');
  });

  it('closes a connection whose PING goes unanswered, so that it reconnects', async () => {
    const { made, Redis } = connections();
    const { heard, listener } = recorder();
    const feed = new RedisChangeFeed(settings, Redis);
    feed.start(listener);
    const subscriber = made[1];
    subscriber.emit('ready');
    await until(() => subscriber.calls.filter((call) => call === 'ping').length >= 2);
    subscriber.pong = () => new Promise(() => undefined);
    await until(() => heard.some((line) => line.startsWith('down')), 1000);
    expect(subscriber.calls).toContain('disconnect true');
    expect(heard.at(-1)).toBe('down Redis (PING) did not answer within 50 ms');
    await feed.stop();
  });

  it("opens its own connections from the application's client, and never uses or closes it", async () => {
    const client = new FakeConnection({ url: 'redis://app' });
    const duplicates: FakeConnection[] = [];
    client.duplicate = () => {
      const connection = new FakeConnection(client.options);
      duplicates.push(connection);
      return connection;
    };
    const feed = new RedisChangeFeed(
      { client: client as unknown as RedisConnection, channel: 'c', pingMs: 60_000, timeoutMs: 50 },
      undefined,
    );
    feed.start(recorder().listener);
    await feed.announce(7);
    await feed.stop();
    expect(client.calls).toEqual([]);
    expect(duplicates.map((connection) => connection.calls)).toEqual([
      ['publish c 7', 'disconnect false'],
      ['disconnect false'],
    ]);
  });

  it('rejects an announcement Redis does not take in time, reconnects, and sends it again', async () => {
    const { made, Redis } = connections();
    const feed = new RedisChangeFeed(settings, Redis);
    feed.start(recorder().listener);
    const publisher = made[0];
    const publish = publisher.publish.bind(publisher);
    publisher.publish = () => new Promise(() => undefined);
    await expect(feed.announce(3)).rejects.toThrow('Redis (PUBLISH) did not answer within 50 ms');
    await expect(feed.announce(4)).rejects.toThrow('Redis (PUBLISH) did not answer within 50 ms');
    // A connection that swallows what it is sent is replaced, not trusted with the next one.
    expect(publisher.calls).toEqual(['disconnect true', 'disconnect true']);
    publisher.publish = publish;
    publisher.emit('ready');
    await until(() => publisher.calls.includes('publish flags:shop 4'));
    await new Promise((resolve) => setImmediate(resolve));
    // Sent once: the next connection has nothing left to send.
    publisher.emit('ready');
    await new Promise((resolve) => setImmediate(resolve));
    expect(publisher.calls.filter((call) => call.startsWith('publish'))).toEqual([
      'publish flags:shop 4',
    ]);
    await feed.stop();
  });
});
