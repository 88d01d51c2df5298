import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { TypeOrmFlagStore } from '../../lib';
import { sqliteTarget } from './database-targets';
import { describeTypeOrmFlagStore } from './typeorm-flag-store.suite';

describeTypeOrmFlagStore(sqliteTarget());

describe('TypeOrmFlagStore', () => {
  it('names the databases it supports when given another', () => {
    const mssql = {
      options: { type: 'mssql' },
      driver: { escape: String },
    } as unknown as DataSource;
    expect(() => new TypeOrmFlagStore(mssql)).toThrow(
      'TypeOrmFlagStore supports postgres, mysql, mariadb and better-sqlite3 DataSources, not "mssql"',
    );
  });
});

describe('TypeOrmFlagStore on SQLite, several processes', () => {
  it('never loses a change when processes write to one file at once', async () => {
    const db = await sqliteTarget().create();
    try {
      await db.dataSource.runMigrations();
      const file = db.dataSource.options.database as string;
      const writers = ['p1', 'p2', 'p3'];
      const started = writers.map((name) => startWriter(file, name, 100));
      await Promise.all(started.map((writer) => writer.ready));
      for (const writer of started) writer.go();
      const results = await Promise.all(started.map((writer) => writer.done));
      const applied = results.reduce((sum, result) => sum + result.applied, 0);
      const store = new TypeOrmFlagStore(db.dataSource);
      const loaded = await store.load();
      // Every applied change moved the revision by one, and none overwrote another's.
      expect(loaded.revision).toBe(applied);
      expect(loaded.flags).toHaveLength(applied);
      expect(await store.changes(0, 1000)).toHaveLength(applied);
      expect(results.every((result) => result.applied > 0)).toBe(true);
    } finally {
      await db.drop();
    }
  }, 60_000);
});

function startWriter(file: string, name: string, attempts: number) {
  const script = join(__dirname, 'sqlite-writer.process.ts');
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', script, file, name, String(attempts)],
    { env: { ...process.env, TS_NODE_PROJECT: join(__dirname, '..', '..', 'tsconfig.json') } },
  );
  let output = '';
  let errors = '';
  child.stderr.on('data', (chunk) => (errors += chunk));
  const ready = new Promise<void>((resolve) =>
    child.stdout.on('data', (chunk) => {
      output += chunk;
      if (output.startsWith('ready\n')) resolve();
    }),
  );
  const done = new Promise<{ applied: number; conflict: number }>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(output.slice('ready\n'.length)))
        : reject(new Error(`writer ${name} failed: ${errors}`)),
    );
  });
  return { ready, done, go: () => child.stdin.write('go\n') };
}
