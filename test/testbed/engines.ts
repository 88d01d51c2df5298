/**
 * The two engines the testbed runner can drive: ours (lib/evaluation, lenient parsing) and
 * @openfeature/flagd-core, the reference implementation, as a sanity check of the runner itself.
 */
import type { FlagSource } from './flag-sources';

export type ValueType = 'boolean' | 'string' | 'number' | 'object';

/** The part of an evaluation result the testbed steps look at. */
export interface Resolution {
  value: unknown;
  variant?: string;
  reason?: string;
  errorCode?: string;
  errorMessage?: string;
  flagMetadata: Record<string, unknown>;
}

export interface TestbedEngine {
  name: string;
  evaluate(
    source: FlagSource,
    flagKey: string,
    defaultValue: unknown,
    context: Record<string, unknown>,
    type: ValueType,
  ): Resolution;
}

export const ENGINE_NAMES = ['ours', 'flagd-core'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

export function createEngine(name: EngineName): TestbedEngine {
  return name === 'flagd-core' ? flagdCoreEngine() : ourEngine();
}

/** Parses each flag source once; a source that fails to parse fails every scenario using it. */
function memoize<T>(load: (source: FlagSource) => T): (source: FlagSource) => T {
  const loaded = new Map<string, T>();
  return (source) => {
    if (!loaded.has(source.name)) loaded.set(source.name, load(source));
    return loaded.get(source.name)!;
  };
}

function ourEngine(): TestbedEngine {
  // Loaded lazily so that `--engine flagd-core` works without the engine.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const engine = require('../../lib') as typeof import('../../lib');
  const load = memoize((source) => {
    const parsed = engine.parseFlagSet(source.config, { lenient: true });
    if (!parsed.ok) {
      const errors = parsed.errors.map((e) => `${e.path}: ${e.message}`).join('; ');
      throw new Error(`parseFlagSet(${source.name}, lenient) failed: ${errors}`);
    }
    return parsed.flagSet;
  });
  return {
    name: 'nestjs-hybrid-flags',
    evaluate: (source, flagKey, defaultValue, context, type) =>
      engine.evaluate(
        load(source),
        flagKey,
        defaultValue as Parameters<typeof engine.evaluate>[2],
        context,
        type,
      ) as Resolution,
  };
}

function flagdCoreEngine(): TestbedEngine {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { FlagdCore } =
    require('@openfeature/flagd-core') as typeof import('@openfeature/flagd-core');
  const silent = { error() {}, warn() {}, info() {}, debug() {} };
  const load = memoize((source) => {
    const core = new FlagdCore(undefined, silent);
    core.setConfigurations(JSON.stringify(source.config));
    return core;
  });
  return {
    name: '@openfeature/flagd-core',
    evaluate: (source, flagKey, defaultValue, context, type) =>
      load(source).resolve(
        type,
        flagKey,
        defaultValue as never,
        context as never,
      ) as unknown as Resolution,
  };
}
