import { join } from 'node:path';
import type { TypeOrmModuleOptions } from '@nestjs/typeorm';
import { FLAG_ENTITIES, FLAG_MIGRATIONS } from '../../lib';

/** A TypeORM SQLite database in `dir` holding the flag tables, for tests of whole applications. */
export function sqliteTypeOrm(
  dir: string,
  extra: Partial<TypeOrmModuleOptions> = {},
): TypeOrmModuleOptions {
  return {
    type: 'better-sqlite3',
    database: join(dir, 'app.sqlite'),
    entities: [...FLAG_ENTITIES],
    migrations: [...FLAG_MIGRATIONS],
    ...extra,
  } as TypeOrmModuleOptions;
}
