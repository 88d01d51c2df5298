import type { QueryRunner, TableColumnOptions } from 'typeorm';

/** The database families the migrations know. @internal */
export type Family = 'postgres' | 'mysql' | 'sqlite';

/** The family of the database a migration runs on. @internal */
export function familyOf(queryRunner: QueryRunner): Family {
  const type = queryRunner.connection.options.type;
  if (type === 'postgres') return 'postgres';
  if (type === 'mysql' || type === 'mariadb') return 'mysql';
  if (type === 'better-sqlite3') return 'sqlite';
  throw new Error(
    `The feature flag migrations support PostgreSQL, MySQL/MariaDB and SQLite, not "${type}".`,
  );
}

/*
 * The column types of entity-columns.ts, spelled out per database. Spelled out rather than taken
 * from the entities, so a migration keeps creating what it created when it was written.
 */
type Kind = 'int' | 'bigint' | 'varchar' | 'text' | 'largeText' | 'instant';

const TYPES: Record<Family, Record<Kind, string>> = {
  postgres: {
    int: 'integer',
    bigint: 'bigint',
    varchar: 'character varying',
    text: 'text',
    largeText: 'text',
    instant: 'timestamp without time zone',
  },
  mysql: {
    int: 'int',
    bigint: 'bigint',
    varchar: 'varchar',
    text: 'text',
    largeText: 'mediumtext',
    instant: 'datetime',
  },
  sqlite: {
    int: 'integer',
    bigint: 'bigint',
    varchar: 'varchar',
    text: 'text',
    largeText: 'text',
    instant: 'datetime',
  },
};

/**
 * A table's name as the entities get it: after the DataSource's `entityPrefix`, if any.
 * @internal
 */
export function flagTableName(queryRunner: QueryRunner, name: string): string {
  const { options, namingStrategy } = queryRunner.connection;
  return options.entityPrefix ? namingStrategy.prefixTableName(options.entityPrefix, name) : name;
}

/**
 * Builds the column options of one migration for the database it runs on.
 * @internal
 */
export class MigrationColumns {
  private readonly family: Family;

  private constructor(
    queryRunner: QueryRunner,
    /** MySQL only: a binary collation for keys, so 'Flag', 'flag' and 'flag ' stay distinct. */
    private readonly keyCollation: string | undefined,
  ) {
    this.family = familyOf(queryRunner);
  }

  static async for(queryRunner: QueryRunner): Promise<MigrationColumns> {
    if (familyOf(queryRunner) !== 'mysql') return new MigrationColumns(queryRunner, undefined);
    // NO PAD binary collations compare every byte, trailing spaces included; utf8mb4_bin (MySQL
    // 5.7) is the fallback, where only trailing spaces are ignored.
    const rows: { name: string }[] = await queryRunner.query(
      'SELECT COLLATION_NAME AS name FROM information_schema.COLLATIONS ' +
        "WHERE COLLATION_NAME IN ('utf8mb4_0900_bin', 'utf8mb4_nopad_bin')",
    );
    const names = rows.map((row) => row.name);
    const collation = ['utf8mb4_0900_bin', 'utf8mb4_nopad_bin'].find((n) => names.includes(n));
    return new MigrationColumns(queryRunner, collation ?? 'utf8mb4_bin');
  }

  int(name: string, extra: Partial<TableColumnOptions> = {}): TableColumnOptions {
    return { name, type: TYPES[this.family].int, ...extra };
  }

  bigint(name: string, extra: Partial<TableColumnOptions> = {}): TableColumnOptions {
    return { name, type: TYPES[this.family].bigint, ...extra };
  }

  key(name: string, extra: Partial<TableColumnOptions> = {}): TableColumnOptions {
    return { ...this.varchar(name, 255), ...this.utf8(this.keyCollation), ...extra };
  }

  varchar(
    name: string,
    length: number,
    extra: Partial<TableColumnOptions> = {},
  ): TableColumnOptions {
    return { name, type: TYPES[this.family].varchar, length: String(length), ...extra };
  }

  /** JSON text: on MySQL 65,535 bytes, as the first migration made it. */
  text(name: string, extra: Partial<TableColumnOptions> = {}): TableColumnOptions {
    return { name, type: TYPES[this.family].text, ...this.utf8(undefined), ...extra };
  }

  /** JSON text of up to 16 MiB on MySQL (`mediumtext`), where `text` holds 65,535 bytes. */
  largeText(name: string, extra: Partial<TableColumnOptions> = {}): TableColumnOptions {
    return { name, type: TYPES[this.family].largeText, ...this.utf8(undefined), ...extra };
  }

  instant(name: string): TableColumnOptions {
    return { name, type: TYPES[this.family].instant, precision: 3 };
  }

  /** MySQL only: utf8mb4 whatever the database default, so every character round-trips. */
  private utf8(collation: string | undefined): Partial<TableColumnOptions> {
    if (this.family !== 'mysql') return {};
    return collation === undefined ? { charset: 'utf8mb4' } : { charset: 'utf8mb4', collation };
  }
}
