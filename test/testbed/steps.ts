/**
 * The step vocabulary of the evaluator and provider features the runner executes, as a list of
 * (pattern, action) pairs. A step's action reads and updates one scenario's `ScenarioState`;
 * a failed expectation throws a `StepFailure` carrying what was expected and what was found.
 *
 * Provider set-up steps ("a stable flagd provider", options such as "cache") only choose which
 * flag definitions to evaluate against: there is no flagd process, the engine runs in-process.
 */
import { inspect } from 'node:util';
import type { Resolution, TestbedEngine } from './engines';
import type { FlagSource, FlagSources } from './flag-sources';
import { flagValueType, typedValue } from './typed-values';

export interface ScenarioState {
  engine: TestbedEngine;
  sources: FlagSources;
  /** Options set with `an option "<name>" of type "<type>" with value "<value>"`. */
  options: Record<string, unknown>;
  source?: FlagSource;
  flag?: { key: string; type: string; defaultValue: unknown };
  context?: Record<string, unknown>;
  result?: Resolution;
}

export class StepFailure extends Error {
  constructor(
    message: string,
    readonly expected: unknown,
    readonly actual: unknown,
  ) {
    super(message);
  }
}

interface StepDefinition {
  pattern: RegExp;
  run(state: ScenarioState, args: string[], table?: string[][]): void;
}

const steps: StepDefinition[] = [
  // --- set-up: which flag definitions ---
  {
    pattern: /^an evaluator$/,
    run: (state) => {
      state.source = state.sources.evaluator();
    },
  },
  {
    pattern: /^an option "(.*)" of type "(.*)" with value "(.*)"$/,
    run: (state, [name, type, value]) => {
      state.options[name] = typedValue(value, type);
    },
  },
  {
    pattern: /^a (\w+) flagd provider$/,
    run: (state, [providerType]) => {
      const selector = state.options.selector as string | undefined;
      state.source = state.sources.provider(providerType, selector);
    },
  },

  // --- the flag and the context ---
  {
    pattern: /^a (\w+)-flag with key "(.*)" and a (?:default|fallback) value "(.*)"$/,
    run: (state, [type, key, value]) => {
      flagValueType(type); // reject unknown types early
      state.flag = { key, type, defaultValue: typedValue(value, type) };
    },
  },
  {
    pattern: /^a context containing a key "(.*)", with type "(.*)" and with value "(.*)"$/,
    run: (state, [key, type, value]) => {
      state.context ??= {};
      state.context[key] = typedValue(value, type);
    },
  },
  {
    pattern:
      /^a context containing a nested property with outer key "(.*)" and inner key "(.*)", with value "(.*)"$/,
    run: (state, [outer, inner, value]) => {
      state.context ??= {};
      const existing = state.context[outer];
      state.context[outer] = { ...(typeof existing === 'object' ? existing : {}), [inner]: value };
    },
  },
  {
    pattern: /^a context containing a targeting key with value "(.*)"$/,
    run: (state, [targetingKey]) => {
      state.context ??= {};
      state.context.targetingKey = targetingKey;
    },
  },

  // --- evaluation ---
  {
    pattern: /^the flag was evaluated with details$/,
    run: (state) => {
      if (!state.source) throw new Error('no evaluator or provider was set up');
      if (!state.flag) throw new Error('no flag was given');
      const { key, type, defaultValue } = state.flag;
      state.result = state.engine.evaluate(
        state.source,
        key,
        defaultValue,
        state.context ?? {},
        flagValueType(type),
      );
    },
  },

  // --- expectations ---
  {
    pattern: /^the resolved details value should be "(.*)"$/,
    run: (state, [value]) => {
      expectEqual('value', result(state).value, typedValue(value, state.flag!.type));
    },
  },
  {
    pattern: /^the reason should be "(.*)"$/,
    run: (state, [reason]) => expectEqual('reason', result(state).reason, reason),
  },
  {
    // An empty cell means "no error code" (as in the reference SDK, where ErrorCode[''] is undefined).
    pattern: /^the error-code should be "(.*)"$/,
    run: (state, [code]) => expectEqual('errorCode', result(state).errorCode, code || undefined),
  },
  {
    pattern: /^the variant should be "(.*)"$/,
    run: (state, [variant]) => expectEqual('variant', result(state).variant, variant),
  },
  {
    pattern: /^the resolved metadata should contain$/,
    run: (state, _args, table) => {
      if (!table) throw new Error('expected a data table');
      const [header, ...rows] = table;
      const column = (name: string) => {
        const index = header.indexOf(name);
        if (index < 0) throw new Error(`metadata table has no "${name}" column`);
        return index;
      };
      const [keyCol, typeCol, valueCol] = ['key', 'metadata_type', 'value'].map(column);
      const metadata = result(state).flagMetadata ?? {};
      for (const row of rows) {
        const key = row[keyCol];
        const expected = typedValue(row[valueCol], row[typeCol]);
        const actual = Object.prototype.hasOwnProperty.call(metadata, key)
          ? metadata[key]
          : '<absent>';
        expectEqual(`flagMetadata["${key}"]`, actual, expected);
      }
    },
  },
  {
    pattern: /^the resolved metadata is empty$/,
    run: (state) => expectEqual('flagMetadata', result(state).flagMetadata, {}),
  },
];

/** Runs one step; throws if no definition matches it, or if the step fails. */
export function runStep(state: ScenarioState, text: string, table?: string[][]): void {
  for (const step of steps) {
    const match = step.pattern.exec(text);
    if (match) return step.run(state, match.slice(1), table);
  }
  throw new Error(`undefined step: "${text}"`);
}

function result(state: ScenarioState): Resolution {
  if (!state.result) throw new Error('the flag was not evaluated');
  return state.result;
}

function expectEqual(what: string, actual: unknown, expected: unknown): void {
  if (!equalValues(actual, expected)) {
    throw new StepFailure(
      `${what}: expected ${show(expected)}, got ${show(actual)}`,
      expected,
      actual,
    );
  }
}

/**
 * Equality in the sense of jest's `toEqual`, which the reference SDK's steps use: primitives by
 * `Object.is`, arrays element by element, objects key by key whatever their prototype, with
 * keys whose value is undefined ignored.
 */
export function equalValues(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((item, i) => equalValues(item, b[i]))
    );
  }
  const definedKeys = (o: object) =>
    Object.keys(o).filter((k) => (o as Record<string, unknown>)[k] !== undefined);
  const keysA = definedKeys(a);
  const keysB = definedKeys(b);
  return (
    keysA.length === keysB.length &&
    keysA.every((k) =>
      equalValues((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
    )
  );
}

export function show(value: unknown): string {
  return inspect(value, { depth: 5, breakLength: Infinity });
}
