/*
 * The `nestjs-hybrid-flags/openfeature` entry point: everything that needs
 * `@openfeature/server-sdk`, an optional peer dependency the main entry never loads.
 */
export { HybridFlagsProvider } from './hybrid-flags.provider';
