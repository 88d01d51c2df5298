import { FlagsConfigurationError } from '../core/flags-configuration.error';
import { knownKeys } from '../core/option-checks';

/**
 * OpenTelemetry: each evaluation as a `feature_flag.evaluation` event on a span, each delivery as
 * a `flags.delivery` span (the README's "OpenTelemetry"). On by default where
 * `@opentelemetry/api` is installed; `false` turns it off. Given as an object, it requires the
 * API: the module refuses to start without it.
 * @example telemetry: { contextId: true }
 * @publicApi
 */
export type TelemetryOptions =
  | false
  | {
      /**
       * Also record the evaluation context's `targetingKey` as `feature_flag.context.id`. Off by
       * default: it usually identifies a person, and traces are rarely treated as personal data.
       * @default false
       */
      contextId?: boolean;
      /**
       * Which span an evaluation made while a request is served records on.
       * - `'request'`: the span active when the request reached the module's interceptor
       *   (normally the HTTP server span), looked up once per request; an evaluation does not
       *   look it up again, so a span the handler starts later does not get it. Evaluations
       *   outside a request (and `@FeatureFlag()`, which runs before the interceptor) use the
       *   span active at the time.
       * - `'active'`: the span active at the time of each evaluation, always, at the cost of
       *   looking it up at each (20–40 ns, see bench/README.md).
       * @default 'request'
       */
      span?: 'request' | 'active';
    };

/** The `telemetry` group of the resolved options. @internal */
export const TELEMETRY_OPTIONS = 'FLAGS:TELEMETRY_OPTIONS';

/**
 * false: off; otherwise whether to record the context id, which span a request's evaluations
 * record on, and whether the option was given (then a missing `@opentelemetry/api` is an error,
 * not a silent "off").
 * @internal
 */
export type ResolvedTelemetryOptions =
  false | { contextId: boolean; span: 'request' | 'active'; required: boolean };

const SPANS: readonly unknown[] = ['request', 'active'];

/** @internal */
export function resolveTelemetryOptions(value: unknown): ResolvedTelemetryOptions {
  if (value === false) return false;
  if (value === undefined) return { contextId: false, span: 'request', required: false };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new FlagsConfigurationError(
      `telemetry is false or an object of options, e.g. { contextId: true }, got ${String(value)}.`,
    );
  }
  knownKeys('telemetry', value, ['contextId', 'span']);
  const { contextId = false, span = 'request' } = value as { contextId?: unknown; span?: unknown };
  if (typeof contextId !== 'boolean') {
    throw new FlagsConfigurationError(
      `telemetry.contextId is true or false (record the targeting key), got ${String(contextId)}.`,
    );
  }
  if (!SPANS.includes(span)) {
    throw new FlagsConfigurationError(
      `telemetry.span is 'request' (the span active when the request reached the module) or ` +
        `'active' (the span active at each evaluation), got ${JSON.stringify(span) ?? String(span)}.`,
    );
  }
  return { contextId, span: span as 'request' | 'active', required: true };
}
