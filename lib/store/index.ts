/*
 * What other features may use of the store feature. The TypeORM store and the providers are the
 * composition root's: only `FlagsModule` and the package root reach them.
 */
export { InMemoryFlagStore } from './in-memory-flag.store';
