/*
 * The `nestjs-hybrid-flags/testing` entry point: what an application's tests need to replace
 * `FlagsModule` without a database.
 */
export { FlagsTestingModule, type FlagsTestingOptions } from './flags-testing.module';
export { TestingFlags, type TestingFlagValue } from './testing-flags';
