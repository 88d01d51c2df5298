import { Logger } from '@nestjs/common';
import { FlagsConfigurationError } from '../core/flags-configuration.error';
import type { OtelApiLoader } from './load-otel-api';
import type { OtelApi } from './otel-api.types';
import type { ResolvedTelemetryOptions } from './telemetry-options';

/** `@opentelemetry/api` when telemetry is on, else null. @internal */
export const OTEL_API = 'FLAGS:OTEL_API';

const INSTALL = 'npm install @opentelemetry/api';

/**
 * The API the telemetry records with, or null: the option is `false`, or the API is not
 * installed and telemetry was not asked for (said at debug level only: on by default means "where
 * the host uses OpenTelemetry"). Asked for with `telemetry: { … }` and not installed, the
 * module does not start: the host expects traces it would never get.
 * @internal
 */
export function telemetryApi(
  options: ResolvedTelemetryOptions,
  load: OtelApiLoader,
  logger = new Logger('FlagsModule'),
): OtelApi | null {
  if (options === false) return null;
  let api: OtelApi | undefined;
  try {
    api = load();
  } catch (error) {
    const problem = `@opentelemetry/api is installed but could not be loaded (${(error as Error).message})`;
    if (options.required) {
      throw new FlagsConfigurationError(`telemetry: ${problem}. Reinstall it (${INSTALL}).`);
    }
    logger.warn(`${problem}: no flag telemetry. Reinstall it, or set telemetry: false.`);
    return null;
  }
  if (api !== undefined) return api;
  if (options.required) {
    throw new FlagsConfigurationError(
      `telemetry needs @opentelemetry/api, which is not installed: install it (${INSTALL}), ` +
        'or leave telemetry out (on where the API is installed) or set it to false.',
    );
  }
  logger.debug('@opentelemetry/api is not installed: no flag telemetry.');
  return null;
}
