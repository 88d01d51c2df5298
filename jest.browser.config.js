/**
 * The browser suite (npm run test:browser): OpenFeature's web provider in Debian's headless
 * chromium (CHROMIUM_PATH, /usr/bin/chromium by default). Kept out of `npm test`, which needs no
 * browser.
 * @type {import('jest').Config}
 */
module.exports = {
  ...require('./jest.config'),
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.browser-spec.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 30_000,
};
