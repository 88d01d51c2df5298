import type { Provider } from '@nestjs/common';
import { EVALUATION_TRACER, optionsGroup } from '../core/flags.constants';
import { DeliverySpans } from './delivery-spans';
import { EvaluationSpans } from './evaluation-spans';
import { OTEL_API_LOADER, type OtelApiLoader, loadOtelApi } from './load-otel-api';
import type { OtelApi } from './otel-api.types';
import { OTEL_API, telemetryApi } from './telemetry-api';
import { type ResolvedTelemetryOptions, TELEMETRY_OPTIONS } from './telemetry-options';

/** What FlagsModule provides for OpenTelemetry. @internal */
export const TELEMETRY_PROVIDERS: Provider[] = [
  optionsGroup(
    TELEMETRY_OPTIONS,
    (options: { telemetry: ResolvedTelemetryOptions }) => options.telemetry,
  ),
  { provide: OTEL_API_LOADER, useValue: loadOtelApi },
  {
    provide: OTEL_API,
    // null, not false: optionsGroup provides an absent group as null.
    useFactory: (options: ResolvedTelemetryOptions | null, load: OtelApiLoader) =>
      telemetryApi(options ?? false, load),
    inject: [TELEMETRY_OPTIONS, OTEL_API_LOADER],
  },
  EvaluationSpans,
  {
    provide: EVALUATION_TRACER,
    // null when telemetry is off: the observer then skips it with one boolean test.
    useFactory: (api: OtelApi | null, spans: EvaluationSpans) => (api === null ? null : spans),
    inject: [OTEL_API, EvaluationSpans],
  },
  DeliverySpans,
];
