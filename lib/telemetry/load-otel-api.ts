import { isMissingModule } from '../core/missing-module';
import type { OtelApi } from './otel-api.types';

/**
 * Loads `@opentelemetry/api`: undefined when it is not installed; throws when it is installed
 * but cannot be loaded.
 * @internal
 */
export type OtelApiLoader = () => OtelApi | undefined;

/** The loader the telemetry uses; tests replace it to play a host without the API. @internal */
export const OTEL_API_LOADER = 'FLAGS:OTEL_API_LOADER';

/**
 * `require`d here, lazily, and nowhere else: `@opentelemetry/api` is an optional peer
 * dependency, and importing it statically would break every application that does not install
 * it (test/architecture/optional-telemetry.spec.ts checks this).
 * @internal
 */
export const loadOtelApi: OtelApiLoader = () => {
  try {
    return require('@opentelemetry/api') as OtelApi;
  } catch (error) {
    if (isMissingModule(error, '@opentelemetry/api')) return undefined;
    throw error;
  }
};
