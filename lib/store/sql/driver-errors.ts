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
 * A value longer than its column (MySQL 1406, in strict mode): a definition over 65,535 bytes in
 * a `text` column the migrations have not widened to `mediumtext` yet.
 * @internal
 */
export function isDataTooLong(error: unknown): boolean {
  const { code, errno } = driverError(error);
  return errno === 1406 || code === 'ER_DATA_TOO_LONG';
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

/** Socket-level failures Node and the drivers report by code. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
]);
/** SQLite (and its extended codes): another process holds the file, or it cannot be read. */
const SQLITE_CONNECTION_CODE = /^SQLITE_(BUSY|LOCKED|CANTOPEN|IOERR)(_|$)/;
/** MySQL: too many connections, server gone away, lost connection. */
const CONNECTION_ERRNOS = new Set([1040, 2002, 2003, 2006, 2013]);
/** pg's own messages for a connection it lost or could not open. */
const CONNECTION_MESSAGES =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/;
/** TypeORM's errors for a DataSource that is not (or no longer) connected, and the store's. */
const CONNECTION_ERROR_NAMES = new Set([
  'DataSourceNotInitializedError',
  'CannotExecuteNotConnectedError',
  'ConnectionIsNotSetError',
  'ConnectionNotFoundError',
]);

/**
 * The database could not be reached, as opposed to refusing what it was asked: a connection
 * refused, reset, timed out or lost, a server shutting down or full, a SQLite file locked by
 * another process. Only these let a request that changes nothing go on without the database.
 * @internal
 */
export function isConnectionFailure(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  if (CONNECTION_ERROR_NAMES.has(String((error as { name?: unknown }).name))) return true;
  const { code, errno, message } = driverError(error);
  if (typeof code === 'string') {
    // PostgreSQL: class 08 (connection exception), 57P01–57P03 (shutting down), 53300 (full).
    if (/^08|^57P0[123]$|^53300$/.test(code)) return true;
    if (CONNECTION_CODES.has(code) || SQLITE_CONNECTION_CODE.test(code)) return true;
  }
  if (typeof errno === 'number' && CONNECTION_ERRNOS.has(errno)) return true;
  return typeof message === 'string' && CONNECTION_MESSAGES.test(message);
}

/**
 * The store was asked before the host's DataSource connected (it initialises it itself, later,
 * or with `manualInitialization`): to the module, a database it cannot reach yet.
 * @internal
 */
export class DataSourceNotInitializedError extends Error {
  constructor() {
    super('TypeOrmFlagStore: the DataSource is not initialized yet.');
    this.name = 'DataSourceNotInitializedError';
  }
}
