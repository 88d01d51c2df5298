import { EventEmitter } from 'node:events';
import type { DataSource } from 'typeorm';
import { until } from '../../test/support/until';
import { PostgresChangeListener } from '../store/sql/postgres-change-listener';

/** A `pg` client as the listener sees it. */
class FakeClient extends EventEmitter {
  readonly queries: string[] = [];
  /** Whether `SELECT 1` answers: a connection lost in a network partition does not. */
  answers = true;
  query(sql: string): Promise<void> {
    this.queries.push(sql);
    if (sql === 'SELECT 1' && !this.answers) return new Promise(() => undefined);
    return Promise.resolve();
  }
}

/*
 * What feature_flag_notify_errors_total counts on PostgreSQL: each LISTEN connection that could
 * not be obtained or was lost, reported by the listener before it tries again.
 */
describe('PostgresChangeListener errors', () => {
  it('reports a connection it cannot obtain and one it loses, and listens again', async () => {
    const client = new FakeClient();
    const released: Array<Error | undefined> = [];
    const obtain = jest
      .fn()
      .mockRejectedValueOnce(new Error('sorry, too many clients already'))
      .mockResolvedValue([client, (error?: Error) => released.push(error)]);
    const dataSource = { driver: { obtainMasterConnection: obtain } } as unknown as DataSource;
    const errors: string[] = [];
    let changes = 0;
    const listener = new PostgresChangeListener(
      dataSource,
      'feature_flag_state',
      { onChange: () => changes++, onError: (error) => errors.push(error.message) },
      { reconnectMs: 5 },
    );

    listener.start();
    await until(() => changes === 1);
    expect(errors).toEqual(['sorry, too many clients already']);

    client.emit('error', new Error('terminating connection due to administrator command'));
    await until(() => changes === 2);
    expect(errors).toEqual([
      'sorry, too many clients already',
      'terminating connection due to administrator command',
    ]);
    expect(released).toHaveLength(1);

    client.emit('end');
    await until(() => changes === 3);
    expect(errors[2]).toBe('the LISTEN connection ended');

    await listener.stop();
    expect(client.queries.at(-1)).toMatch(/^UNLISTEN /);
    expect(errors).toHaveLength(3);
  });

  it('checks the held connection, and replaces one that stops answering', async () => {
    const silent = new FakeClient();
    const fresh = new FakeClient();
    const released: Array<Error | undefined> = [];
    const release = (error?: Error) => released.push(error);
    const obtain = jest
      .fn()
      .mockResolvedValueOnce([silent, release])
      .mockResolvedValue([fresh, release]);
    const dataSource = { driver: { obtainMasterConnection: obtain } } as unknown as DataSource;
    const heard: string[] = [];
    const listener = new PostgresChangeListener(
      dataSource,
      'feature_flag_state',
      {
        onChange: () => heard.push('change'),
        onError: (error) => heard.push(`error ${error.message}`),
        onListening: () => heard.push('listening'),
      },
      { reconnectMs: 5, pingMs: 10, timeoutMs: 30 },
    );

    listener.start();
    await until(() => silent.queries.filter((sql) => sql === 'SELECT 1').length >= 2);
    expect(heard).toEqual(['listening', 'change']);
    silent.answers = false;
    await until(() => heard.length === 5, 1000);
    expect(heard.slice(2)).toEqual([
      'error SELECT 1 did not answer within 30 ms',
      'listening',
      'change',
    ]);
    // Destroyed rather than returned to the pool: it may still be in LISTEN.
    expect(released.map((error) => error?.message)).toEqual([
      'SELECT 1 did not answer within 30 ms',
    ]);
    await listener.stop();
  });
});
