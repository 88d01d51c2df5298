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
  /**
   * An INSERT of `rows` rows that updates the stored row where one with the same `key` exists:
   * each column of `update` is set to the expression it returns, given that column's stored and
   * incoming values (no other column's: MySQL assigns in order, so another column could already
   * hold its new value). The key must be the table's only unique key (MySQL updates on any).
   */
  upsert(
    table: string,
    columns: string[],
    key: string[],
    rows: number,
    update: Record<string, (stored: string, incoming: string) => string>,
  ): string;
  /** The larger of two values of one type: `GREATEST` on PostgreSQL and MySQL, `max` on SQLite. */
  greatest(a: string, b: string): string;
  /** An expression reading an instant column as UTC text (see utc-text.ts). */
  instantText(column: string): string;
  /**
   * A DELETE of the first rows matching `where` in `order`, as many as its last parameter says:
   * `DELETE ... LIMIT` on MySQL; PostgreSQL and SQLite have none, so a subquery picks the `key`s.
   */
  deleteFirst(table: string, key: string, where: string, order: string): string;
}

const placeholders = (count: number) => Array.from({ length: count }, () => '?').join(', ');

/** How each database words an INSERT that updates the row it finds instead. */
interface UpsertSyntax {
  /** After the table's name: PostgreSQL needs an alias to tell the stored row from `EXCLUDED`. */
  alias: string;
  /** What comes between the VALUES and the assignments, given the quoted key columns. */
  clause(key: string): string;
  stored(column: string): string;
  incoming(column: string): string;
}

function dialect(
  name: DialectName,
  quote: (identifier: string) => string,
  parts: Omit<SqlDialect, 'name' | 'quote' | 'insertMissing' | 'upsert' | 'deleteFirst'> & {
    /** Whether DELETE takes ORDER BY and LIMIT. */
    deleteLimit: boolean;
    onConflict(key: string): string;
    upsertSyntax: UpsertSyntax;
  },
): SqlDialect {
  const { onConflict, upsertSyntax: syntax, deleteLimit, ...rest } = parts;
  return {
    name,
    quote,
    ...rest,
    insertMissing: (table, columns, key) =>
      `INSERT INTO ${table} (${columns.map(quote).join(', ')}) ` +
      `VALUES (${placeholders(columns.length)}) ${onConflict(key)}`,
    upsert: (table, columns, key, rows, update) => {
      const row = `(${placeholders(columns.length)})`;
      const assignments = Object.entries(update).map(([column, value]) => {
        const quoted = quote(column);
        return `${quoted} = ${value(syntax.stored(quoted), syntax.incoming(quoted))}`;
      });
      return (
        `INSERT INTO ${table}${syntax.alias} (${columns.map(quote).join(', ')}) ` +
        `VALUES ${Array.from({ length: rows }, () => row).join(', ')} ` +
        `${syntax.clause(key.map(quote).join(', '))} ${assignments.join(', ')}`
      );
    },
    deleteFirst: (table, key, where, order) =>
      deleteLimit
        ? `DELETE FROM ${table} WHERE ${where} ORDER BY ${order} LIMIT ?`
        : `DELETE FROM ${table} WHERE ${key} IN ` +
          `(SELECT ${key} FROM ${table} WHERE ${where} ORDER BY ${order} LIMIT ?)`,
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
      upsertSyntax: {
        alias: ' AS t',
        clause: (key) => `ON CONFLICT (${key}) DO UPDATE SET`,
        stored: (column) => `t.${column}`,
        incoming: (column) => `EXCLUDED.${column}`,
      },
      greatest: (a, b) => `GREATEST(${a}, ${b})`,
      // to_char does not depend on the session's DateStyle, as a cast to text would.
      instantText: (column) => `to_char(${column}, 'YYYY-MM-DD HH24:MI:SS.MS')`,
      deleteLimit: false,
    });
  }
  if (type === 'mysql' || type === 'mariadb') {
    return dialect('mysql', quote, {
      render: (sql) => sql,
      lockSuffix: ' FOR UPDATE',
      onConflict: (key) => `ON DUPLICATE KEY UPDATE ${quote(key)} = ${quote(key)}`,
      // VALUES(): MariaDB has no row alias (`AS new`), which MySQL 8.0.19+ prefers but still
      // accepts VALUES() for.
      upsertSyntax: {
        alias: '',
        clause: () => 'ON DUPLICATE KEY UPDATE',
        stored: (column) => column,
        incoming: (column) => `VALUES(${column})`,
      },
      greatest: (a, b) => `GREATEST(${a}, ${b})`,
      instantText: (column) => `DATE_FORMAT(${column}, '%Y-%m-%d %H:%i:%s.%f')`,
      // MySQL refuses LIMIT in an IN subquery, and takes it on DELETE instead.
      deleteLimit: true,
    });
  }
  if (type === 'better-sqlite3') {
    return dialect('sqlite', quote, {
      render: (sql) => sql,
      lockSuffix: '',
      onConflict: (key) => `ON CONFLICT (${quote(key)}) DO NOTHING`,
      upsertSyntax: {
        alias: '',
        clause: (key) => `ON CONFLICT (${key}) DO UPDATE SET`,
        stored: (column) => column,
        incoming: (column) => `excluded.${column}`,
      },
      // Two arguments make max() a scalar function; the instants are UTC text, which compares
      // in time order.
      greatest: (a, b) => `max(${a}, ${b})`,
      instantText: (column) => column,
      deleteLimit: false,
    });
  }
  throw new Error(
    `TypeOrmFlagStore supports postgres, mysql, mariadb and better-sqlite3 DataSources, not ` +
      `"${type}". Pass another store (for example new InMemoryFlagStore()) instead.`,
  );
}
