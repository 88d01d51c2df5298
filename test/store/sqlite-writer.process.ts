import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { FLAG_ENTITIES, TypeOrmFlagStore } from '../../lib';
import { change, flag } from './flag-store.fixtures';

/*
 * One writer process for the multi-process SQLite test: says "ready", waits for a line on stdin
 * (so all writers start together), tries `attempts` changes, each on the revision it just read,
 * and prints how many applied. Arguments: database file, writer name, attempts.
 */
async function main([database, writer, attempts]: string[]) {
  const dataSource = await new DataSource({
    type: 'better-sqlite3',
    database,
    entities: [...FLAG_ENTITIES],
  }).initialize();
  const store = new TypeOrmFlagStore(dataSource);
  process.stdout.write('ready\n');
  await new Promise((resolve) => process.stdin.once('data', resolve));
  process.stdin.pause();
  const outcomes = { applied: 0, conflict: 0 };
  for (let i = 0; i < Number(attempts); i++) {
    const { revision } = await store.state();
    const outcome = await store.apply(
      change(revision, { upsertFlags: [flag(`${writer}-${i}`)], actor: writer }),
    );
    if (outcome.status === 'applied' || outcome.status === 'conflict') outcomes[outcome.status]++;
  }
  await dataSource.destroy();
  process.stdout.write(JSON.stringify(outcomes));
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(String((error as Error).stack ?? error));
  process.exit(1);
});
