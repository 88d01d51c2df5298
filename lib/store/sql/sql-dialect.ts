import type { DataSource } from 'typeorm';

/** The databases the TypeORM store supports. @internal */
export type DialectName = 'postgres' | 'mysql' | 'sqlite';

/**
 * What differs between the supported databases, and nothing else: every statement of the store
 * is written once, with `?` placeholders, and these fill in the gaps.
 * @internal
 */
export interface SqlDialect {
  readonly name: DialectName;
  /** Quotes an identifier (`key` and `before` are reserved words on MySQL). */
  quote(identifier: string): string;
  /** The statement as the driver wants it: `$1, $2…` on PostgreSQL, `?` elsewhere. */
  render(sql: string): string;
  /**
   * Appended to the read of the state row by a change: the row lock that makes changes queue.
   * Empty on SQLite, whose write transactions are exclusive from their first statement.
   */
  readonly lockSuffix: string;
  /** An INSERT of one row that does nothing when a row with the same key exists. */
  insertMissing(table: string, columns: string[], key: string): string;
  /** An expression reading an instant column as UTC text (see utc-text.ts). */
  instantText(column: string): string;
  /** The UTF-8 bytes a `text` column holds. */
  readonly maxTextBytes: number;
}

const placeholders = (count: number) => Array.from({ length: count }, () => '?').join(', ');

function dialect(
  name: DialectName,
  quote: (identifier: string) => string,
  parts: Omit<SqlDialect, 'name' | 'quote' | 'insertMissing'> & { onConflict(key: string): string },
): SqlDialect {
  const { onConflict, ...rest } = parts;
  return {
    name,
    quote,
    ...rest,
    insertMissing: (table, columns, key) =>
      `INSERT INTO ${table} (${columns.map(quote).join(', ')}) ` +
      `VALUES (${placeholders(columns.length)}) ${onConflict(key)}`,
  };
}

/**
 * The dialect of a DataSource, or an error naming the supported ones.
 * @internal
 */
export function dialectOf(dataSource: DataSource): SqlDialect {
  const quote = (identifier: string) => dataSource.driver.escape(identifier);
  const type = dataSource.options.type;
  if (type === 'postgres') {
    return dialect('postgres', quote, {
      render: (sql) => {
        let index = 0;
        return sql.replace(/\?/g, () => `$${++index}`);
      },
      lockSuffix: ' FOR UPDATE',
      onConflict: (key) => `ON CONFLICT (${quote(key)}) DO NOTHING`,
      // to_char does not depend on the session's DateStyle, as a cast to text would.
      instantText: (column) => `to_char(${column}, 'YYYY-MM-DD HH24:MI:SS.MS')`,
      maxTextBytes: Number.POSITIVE_INFINITY,
    });
  }
  if (type === 'mysql' || type === 'mariadb') {
    return dialect('mysql', quote, {
      render: (sql) => sql,
      lockSuffix: ' FOR UPDATE',
      onConflict: (key) => `ON DUPLICATE KEY UPDATE ${quote(key)} = ${quote(key)}`,
      instantText: (column) => `DATE_FORMAT(${column}, '%Y-%m-%d %H:%i:%s.%f')`,
      maxTextBytes: 65_535,
    });
  }
  if (type === 'better-sqlite3') {
    return dialect('sqlite', quote, {
      render: (sql) => sql,
      lockSuffix: '',
      onConflict: (key) => `ON CONFLICT (${quote(key)}) DO NOTHING`,
      instantText: (column) => column,
      maxTextBytes: Number.POSITIVE_INFINITY,
    });
  }
  throw new Error(
    `TypeOrmFlagStore supports postgres, mysql, mariadb and better-sqlite3 DataSources, not ` +
      `"${type}". Pass another store (for example new InMemoryFlagStore()) instead.`,
  );
}
