import { DataSourceNotInitializedError, isConnectionFailure } from './driver-errors';

const error = (message: string, fields: Record<string, unknown> = {}) =>
  Object.assign(new Error(message), fields);
/** As TypeORM wraps a driver's error. */
const wrapped = (driverError: Error) =>
  Object.assign(new Error(driverError.message), { name: 'QueryFailedError', driverError });

describe('isConnectionFailure', () => {
  it.each([
    [
      'a refused connection',
      error('connect ECONNREFUSED 127.0.0.1:5432', { code: 'ECONNREFUSED' }),
    ],
    ['a reset one', error('read ECONNRESET', { code: 'ECONNRESET' })],
    ['pg: a lost connection', error('Connection terminated unexpectedly')],
    ['pg: the pool timed out', error('timeout exceeded when trying to connect')],
    ['PostgreSQL shutting down', wrapped(error('terminating connection', { code: '57P01' }))],
    ['PostgreSQL full', wrapped(error('too many clients already', { code: '53300' }))],
    ['mysql2: a lost connection', error('Connection lost', { code: 'PROTOCOL_CONNECTION_LOST' })],
    ['MySQL gone away', wrapped(error('MySQL server has gone away', { errno: 2006 }))],
    ['SQLite locked by another process', error('database is locked', { code: 'SQLITE_BUSY' })],
    ['SQLite unreadable', error('disk I/O error', { code: 'SQLITE_IOERR_READ' })],
    ['a DataSource not connected yet', new DataSourceNotInitializedError()],
  ])('is true for %s', (_name, failure) => {
    expect(isConnectionFailure(failure)).toBe(true);
  });

  it.each([
    ['a value too long', wrapped(error('value too long', { code: '22001' }))],
    ['a unique violation', wrapped(error('duplicate key', { code: '23505' }))],
    ['MySQL data too long', wrapped(error('Data too long', { errno: 1406 }))],
    ['a missing table', wrapped(error('no such table: feature_flag_delivery'))],
    [
      'SQLite read-only',
      error('attempt to write a readonly database', { code: 'SQLITE_READONLY' }),
    ],
    ['an unknown error', error('something else')],
    ['not an error', 'ECONNREFUSED'],
  ])('is false for %s', (_name, failure) => {
    expect(isConnectionFailure(failure)).toBe(false);
  });
});
