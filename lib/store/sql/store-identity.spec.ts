import { storeIdentity } from './store-identity';

const TABLE = 'feature_flag_state';

describe('storeIdentity', () => {
  it('is the same however the options spell one database', () => {
    const spellings = [
      { type: 'postgres', url: 'postgres://app:secret@DB.internal/shop' },
      { type: 'postgres', url: 'postgresql://reader@db.internal:5432/shop?sslmode=require' },
      { type: 'postgres', host: 'db.internal', port: 5432, database: 'shop', username: 'app' },
      { type: 'postgres', host: 'db.internal', database: 'shop', schema: 'public' },
    ];
    const names = new Set(spellings.map((options) => storeIdentity(options, TABLE)));
    expect(names.size).toBe(1);
    expect([...names][0]).toMatch(/^[0-9a-f]{16}$/);
    // MariaDB and MySQL speak to the same servers.
    expect(storeIdentity({ type: 'mariadb', url: 'mariadb://root@db:3306/shop' }, TABLE)).toBe(
      storeIdentity({ type: 'mysql', host: 'db', database: 'shop' }, TABLE),
    );
  });

  it('differs for another host, port, database, schema, table or SQLite file', () => {
    const base = { type: 'postgres', host: 'db', port: 5432, database: 'shop' };
    const names = [
      storeIdentity(base, TABLE),
      storeIdentity({ ...base, host: 'db2' }, TABLE),
      storeIdentity({ ...base, port: 6432 }, TABLE),
      storeIdentity({ ...base, database: 'billing' }, TABLE),
      storeIdentity({ ...base, schema: 'flags' }, TABLE),
      storeIdentity(base, 'other_flag_state'),
      storeIdentity({ type: 'better-sqlite3', database: 'a.db' }, TABLE),
      storeIdentity({ type: 'better-sqlite3', database: 'b.db' }, TABLE),
    ];
    expect(new Set(names).size).toBe(names.length);
    expect(storeIdentity({ type: 'better-sqlite3', database: './a.db' }, TABLE)).toBe(names[6]);
  });
});
