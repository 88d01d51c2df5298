/*
 * NestJS 12 ships as ES modules, which Jest's CommonJS runtime cannot load on Node 20, so TypeScript
 * transpiles those packages to CommonJS along with our TypeScript (file by file, without type
 * checking: that is `npm run typecheck`).
 */
const ESM_PACKAGES = [
  '@nestjs',
  'file-type',
  'load-esm',
  'uid',
  'strtok3',
  'token-types',
  'peek-readable',
  '@tokenizer',
  'uint8array-extras',
];

const transpile = '<rootDir>/jest.transform.js';

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/lib', '<rootDir>/test', '<rootDir>/example-app'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '\\.db-spec\\.ts$'],
  transform: { '^.+\\.(t|j|mj)s$': transpile },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_PACKAGES.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  // The package by its name, as the README's snippets import it (test/readme).
  moduleNameMapper: {
    // A relative import written as ES modules want it (`./app.controller.js`, as the README's
    // snippets are, for a `nest new` application) reaches the TypeScript file beside it.
    '^(\\.{1,2}/.+)\\.js$': '$1',
    '^nestjs-hybrid-flags$': '<rootDir>/lib/index.ts',
    '^nestjs-hybrid-flags/(openfeature|testing)$': '<rootDir>/lib/$1/index.ts',
  },
};
