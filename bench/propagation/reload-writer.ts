/*
 * A second process writing to the reload benchmark's SQLite file: on 'start' it applies a
 * one-flag change every `interval` ms until 'stop', as deliveries received by another instance.
 */
import { DataSource } from 'typeorm';
import { FLAG_ENTITIES, TypeOrmFlagStore } from '../../lib';

const [file, interval] = [process.argv[2], Number(process.argv[3])];

async function main(): Promise<void> {
  const dataSource = await new DataSource({
    type: 'better-sqlite3',
    database: file,
    entities: [...FLAG_ENTITIES],
  }).initialize();
  const store = new TypeOrmFlagStore(dataSource);
  let timer: NodeJS.Timeout | undefined;
  let writes = 0;
  const write = async () => {
    const { revision } = await store.state();
    const variant = revision % 2 === 0 ? 'on' : 'off';
    const definition = {
      state: 'ENABLED',
      variants: { on: true, off: false },
      defaultVariant: variant,
    };
    await store.apply({
      baseRevision: revision,
      revision: revision + 1,
      checksum: revision.toString(16).padStart(64, '0'),
      upsertFlags: [{ key: `flag-${revision % 1000}`, definition: JSON.stringify(definition) }],
      deleteFlags: [],
      upsertEvaluators: [],
      deleteEvaluators: [],
      at: new Date(),
    });
    writes++;
  };
  process.on('message', (message) => {
    if (message === 'start') {
      timer = setInterval(() => void write(), interval);
    } else if (message === 'stop') {
      clearInterval(timer);
      process.send?.({ writes });
    } else if (message === 'exit') {
      void dataSource.destroy().then(() => process.exit(0));
    }
  });
  process.send?.('ready');
}

void main();
