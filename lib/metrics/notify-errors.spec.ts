import { EventEmitter } from 'node:events';
import type { DataSource } from 'typeorm';
import { until } from '../../test/support/until';
import { PostgresChangeListener } from '../store/sql/postgres-change-listener';

/** A `pg` client as the listener sees it. */
class FakeClient extends EventEmitter {
  readonly queries: string[] = [];
  async query(sql: string): Promise<void> {
    this.queries.push(sql);
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
      () => changes++,
      (error) => errors.push(error.message),
      5,
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
});
