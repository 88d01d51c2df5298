import type { ColumnOptions } from 'typeorm';
import { STORE_LIMITS } from '../ports/store-limits';

/*
 * Column types shared by the flag entities, chosen to behave the same on PostgreSQL, MySQL/MariaDB
 * and SQLite. The migrations in migrations/ create exactly these; a test compares the two.
 */

/**
 * A key or name: `varchar(255)`, the longest that every driver can index (MySQL utf8mb4: 1,020
 * bytes, under InnoDB's 3,072). The migration gives it a binary collation on MySQL, so keys that
 * differ only in case or accents stay distinct, as they do on PostgreSQL and SQLite.
 * @internal
 */
export const KEY_COLUMN = { type: 'varchar', length: STORE_LIMITS.keyLength } as const;

/**
 * JSON text stored byte for byte: `text`, unbounded on PostgreSQL and SQLite. MySQL's `text` holds
 * 65,535 bytes, less than one targeting list may need, so there these columns are
 * {@link MYSQL_TEXT_TYPE} (see FlagTableEntity). Every store refuses text over
 * `STORE_LIMITS.textBytes` before writing, so a non-strict server cannot truncate silently.
 * @internal
 */
export const TEXT_COLUMN = { type: 'text' } as const;

/** The type of the TEXT_COLUMN columns on MySQL/MariaDB: 16 MiB. @internal */
export const MYSQL_TEXT_TYPE = 'mediumtext';

/**
 * A revision or counter: `int`, which every driver returns as a JS number (`bigint` comes back as
 * a string from `pg` and `mysql2`).
 * @internal
 */
export const INT_COLUMN = { type: 'int' } as const;

/**
 * An instant, in UTC, to the millisecond: `timestamp(3)` on PostgreSQL, `datetime(3)` on MySQL
 * (without `(3)` MySQL rounds to the second; `timestamp` there ends in 2038), ISO text on SQLite.
 * The store writes and reads these as UTC text itself, so values never depend on the process or
 * session time zone (the drivers' own Date conversion uses local time, which is ambiguous for an
 * hour each autumn wherever clocks change).
 * @internal
 */
export const INSTANT_COLUMN: ColumnOptions = { type: Date, precision: 3 };
