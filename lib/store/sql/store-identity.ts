import { createHash } from 'node:crypto';
import { resolve } from 'node:path';

const DEFAULT_PORTS: Readonly<Record<string, number>> = { postgres: 5432, mysql: 3306 };

/** The database's host, port and name, however the DataSource's options spell them. */
function address(options: Readonly<Record<string, unknown>>, type: string) {
  if (type === 'sqlite' || type === 'better-sqlite3') {
    return { database: resolve(String(options.database)) };
  }
  const text = (value: unknown) => (value === undefined ? undefined : String(value));
  let host = text(options.host);
  let port = text(options.port);
  let database = text(options.database);
  // TypeORM connects by the URL when it has one.
  if (typeof options.url === 'string' && URL.canParse(options.url)) {
    const url = new URL(options.url);
    host = url.hostname || host;
    port = url.port || port;
    database = decodeURIComponent(url.pathname.replace(/^\//, '')) || database;
  }
  return {
    host: (host ?? 'localhost').toLowerCase(),
    port: Number(port ?? DEFAULT_PORTS[type]),
    database,
  };
}

/**
 * What names the flags of a DataSource among others: its database (host, port and name, read
 * from the URL or the separate options alike; the user, password, protocol spelling and query
 * are left out), its schema and the module's state table, hashed. Instances that reach the same
 * database by different addresses (a pooler, a DNS alias) get different names: they set
 * `sync.redis.channel` themselves.
 * @internal
 */
export function storeIdentity(options: Readonly<Record<string, unknown>>, table: string): string {
  const type = options.type === 'mariadb' ? 'mysql' : String(options.type);
  const schema = options.schema ?? (type === 'postgres' ? 'public' : null);
  return createHash('sha256')
    .update(JSON.stringify([type, address(options, type), schema, table]))
    .digest('hex')
    .slice(0, 16);
}
