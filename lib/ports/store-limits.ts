/**
 * The limits every store enforces, set by the strictest database the TypeORM store supports, so a
 * change accepted by one store is accepted by all of them (SQLite enforces no lengths itself).
 * @internal
 */
export const STORE_LIMITS = {
  /** Characters in a flag key, an evaluator name, a delivery id or an actor (varchar(255)). */
  keyLength: 255,
  /** Characters in a checksum: hex SHA-256 (varchar(64)). */
  checksumLength: 64,
  /**
   * UTF-8 bytes in a definition or the flag set's metadata: MySQL's `mediumtext` (16 MiB), over
   * the 5 MiB a delivery carries; PostgreSQL and SQLite hold more.
   */
  textBytes: 16_777_215,
  /** The largest revision: a signed 32-bit `int`, which every driver returns as a JS number. */
  maxRevision: 2_147_483_647,
  /** The timestamp range of MySQL's `datetime`, the narrowest of the supported types. */
  minTime: Date.UTC(1000, 0, 1),
  maxTime: Date.UTC(9999, 11, 31, 23, 59, 59, 999),
} as const;
