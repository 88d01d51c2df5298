import type { DataSource } from 'typeorm';
import { TypeOrmFlagStore } from '../../lib';
import { postgresTarget, type TestDatabase } from './database-targets';
import { change, flag } from './flag-store.fixtures';
import { sleep, until } from '../support/until';

/** The backend pids listening on the flags channel. */
async function listeners(dataSource: DataSource): Promise<number[]> {
  const rows: Array<{ pid: number }> = await dataSource.query(
    "SELECT pid FROM pg_stat_activity WHERE query = 'LISTEN feature_flag_change'",
  );
  return rows.map((row) => row.pid);
}

describe('TypeOrmFlagStore on PostgreSQL announces changes (LISTEN/NOTIFY)', () => {
  const target = postgresTarget();
  let database: TestDatabase;
  let other: TestDatabase;
  let writer: DataSource;

  beforeEach(async () => {
    database = await target.create();
    other = await target.create();
    await database.dataSource.runMigrations();
    await other.dataSource.runMigrations();
    writer = await database.open();
  });

  afterEach(async () => {
    await writer?.destroy();
    await database?.drop();
    await other?.drop();
  });

  it('tells every watcher of the same tables when a change commits, and no one else', async () => {
    const watcher = new TypeOrmFlagStore(database.dataSource);
    const stranger = new TypeOrmFlagStore(other.dataSource);
    let announced = 0;
    let strangerAnnounced = 0;
    const stop = watcher.watch(() => announced++);
    const stopStranger = stranger.watch(() => strangerAnnounced++);
    // Each watcher announces once when it starts listening (it may have missed changes).
    await until(() => announced === 1 && strangerAnnounced === 1);

    const store = new TypeOrmFlagStore(writer);
    await store.apply(change(0, { upsertFlags: [flag('a')] }));
    await until(() => announced === 2);

    // A refused change commits nothing, so it announces nothing.
    await store.apply(change(0, { upsertFlags: [flag('b')] }));
    await sleep(200);
    expect(announced).toBe(2);
    expect(strangerAnnounced).toBe(1);

    await stop();
    await stopStranger();
    await store.apply(change(1, { upsertFlags: [flag('c')] }));
    await sleep(200);
    expect(announced).toBe(2);
    expect(await listeners(writer)).toEqual([]);
  });

  it('listens again after its connection is killed, and announces in case it missed a change', async () => {
    const watcher = new TypeOrmFlagStore(database.dataSource);
    let announced = 0;
    const stop = watcher.watch(() => announced++);
    await until(() => announced === 1);
    const [pid] = await listeners(writer);
    expect(pid).toEqual(expect.any(Number));

    await writer.query('SELECT pg_terminate_backend($1)', [pid]);
    const store = new TypeOrmFlagStore(writer);
    await store.apply(change(0, { upsertFlags: [flag('a')] }));
    // Reconnected (after about a second) and announced.
    await until(() => announced >= 2, 5000);
    const [again] = await listeners(writer);
    expect(again).not.toBe(pid);

    const before = announced;
    await store.apply(change(1, { upsertFlags: [flag('b')] }));
    await until(() => announced === before + 1);
    await stop();
  });
});
