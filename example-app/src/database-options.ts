import { join } from 'node:path';
import type { TypeOrmModuleOptions } from '@nestjs/typeorm';
import { FLAG_ENTITIES, FLAG_MIGRATIONS } from '../../lib';
import { appDir } from './app-dir';

/**
 * SQLite in a local file by default; DATABASE_URL=postgres://… or mysql://… switches database.
 * Migrations run on connecting, as a host application would run its own.
 */
export function databaseOptions(url = process.env.DATABASE_URL): TypeOrmModuleOptions {
  const common = {
    entities: [...FLAG_ENTITIES],
    migrations: [...FLAG_MIGRATIONS],
    migrationsRun: true,
    synchronize: false,
    // DatabaseConnector connects in the background: the app starts without its database.
    manualInitialization: true,
  };
  if (url === undefined || url === '') {
    const file = process.env.SQLITE_FILE ?? join(appDir(), 'data', 'flags.sqlite');
    return { type: 'better-sqlite3', database: file, ...common };
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    return { type: 'postgres', url, ...common };
  }
  if (url.startsWith('mysql://')) return { type: 'mysql', url, ...common };
  // TypeORM reads MariaDB's schema correctly only with its own driver type.
  if (url.startsWith('mariadb://')) return { type: 'mariadb', url, ...common };
  throw new Error(
    `DATABASE_URL must start with postgres://, mysql:// or mariadb://; got ${url.split(':')[0]}:`,
  );
}
