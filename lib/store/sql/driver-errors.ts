/*
 * Recognises the few database errors the store treats specially, by the codes each driver
 * reports. TypeORM wraps driver errors in QueryFailedError with the original in `driverError`.
 */

interface DriverError {
  code?: unknown;
  errno?: unknown;
  message?: unknown;
}

function driverError(error: unknown): DriverError {
  if (typeof error !== 'object' || error === null) return {};
  const wrapped = (error as { driverError?: unknown }).driverError;
  return (typeof wrapped === 'object' && wrapped !== null ? wrapped : error) as DriverError;
}

/** A primary-key or unique violation (PostgreSQL 23505, MySQL 1062, SQLite). @internal */
export function isUniqueViolation(error: unknown): boolean {
  const { code, errno } = driverError(error);
  return (
    code === '23505' ||
    errno === 1062 ||
    code === 'ER_DUP_ENTRY' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE'
  );
}

/** A table that does not exist (PostgreSQL 42P01, MySQL 1146, SQLite "no such table"). @internal */
export function isMissingTable(error: unknown): boolean {
  const { code, errno, message } = driverError(error);
  return (
    code === '42P01' ||
    errno === 1146 ||
    code === 'ER_NO_SUCH_TABLE' ||
    (typeof message === 'string' && message.startsWith('no such table'))
  );
}

/**
 * A transaction the database aborted to break a deadlock or a serialization conflict; running it
 * again is safe, since nothing of it was kept (PostgreSQL 40P01/40001, MySQL 1213).
 * @internal
 */
export function isRetryable(error: unknown): boolean {
  const { code, errno } = driverError(error);
  return code === '40P01' || code === '40001' || errno === 1213 || code === 'ER_LOCK_DEADLOCK';
}
