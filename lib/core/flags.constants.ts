import type { FactoryProvider } from '@nestjs/common';

/** The options given to `FlagsModule.forRoot()` / `forRootAsync()`. @internal */
export const FLAGS_MODULE_OPTIONS = 'FLAGS:MODULE_OPTIONS';

/** The module options after defaults and checks, every group. @internal */
export const RESOLVED_FLAGS_OPTIONS = 'FLAGS:RESOLVED_OPTIONS';

/** The `context` group. @internal */
export const CONTEXT_OPTIONS = 'FLAGS:CONTEXT_OPTIONS';

/** The `events` group. @internal */
export const EVENT_OPTIONS = 'FLAGS:EVENT_OPTIONS';

/** Whether evaluations are counted in memory (for usage or metrics). @internal */
export const COUNTING = 'FLAGS:COUNTING';

/**
 * What else records evaluations: the telemetry feature's `EvaluationTracer`, when telemetry is on
 * (absent where it is off, and in `FlagsTestingModule`). @internal
 */
export const EVALUATION_TRACER = 'FLAGS:EVALUATION_TRACER';

/** The `openFeature` binding, or null. @internal */
export const FLAGS_BINDING = 'FLAGS:BINDING';

/**
 * Provides one group of the resolved options under its own token, so a feature's providers
 * inject only their own group. Absent groups are provided as null.
 * @internal
 */
export function optionsGroup<Options, Group>(
  token: string,
  pick: (options: Options) => Group | undefined,
): FactoryProvider {
  return {
    provide: token,
    useFactory: (options: Options) => pick(options) ?? null,
    inject: [RESOLVED_FLAGS_OPTIONS],
  };
}
