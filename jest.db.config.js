/**
 * The database matrix (npm run test:db): the TypeORM store on PostgreSQL and MariaDB. Kept out
 * of `npm test`, which needs no server.
 * @type {import('jest').Config}
 */
module.exports = {
  ...require('./jest.config'),
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.db-spec.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 30_000,
};
