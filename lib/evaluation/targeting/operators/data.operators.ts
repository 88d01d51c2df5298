import {
  type CompiledNode,
  READS_CONTEXT,
  READS_ELEMENT,
  constantNode,
  dynamicNode,
} from '../compiled-node';
import type { CompileScope, OperatorCompiler } from '../compile-scope';
import { PROTO, readPath, splitPath, topLevelContext } from '../path';
import { prevRegister } from '../prev-register';
import { compileArguments } from './arguments';

function readsData(scope: CompileScope): number {
  return scope.insideIteration ? READS_ELEMENT : READS_CONTEXT;
}

/** The flag key when `$flagd` is visible (top level only), else undefined. */
function flagdKey(scope: CompileScope): string | undefined {
  return scope.insideIteration ? undefined : scope.flagKey;
}

function wholeData(scope: CompileScope): CompiledNode {
  const flagKey = scope.flagKey;
  return scope.insideIteration
    ? dynamicNode((data) => data, READS_ELEMENT)
    : dynamicNode((data) => topLevelContext(data, flagKey), READS_CONTEXT);
}

/** `var` with a path known at compile time: a missing or null value gives the default. */
function compiledVar(path: string, fallback: CompiledNode, scope: CompileScope): CompiledNode {
  const pieces = splitPath(path);
  const flagKey = flagdKey(scope);
  const reads = readsData(scope) | fallback.reads;
  const fallbackRun = fallback.run;
  if (pieces.length === 1 && pieces[0] !== '$flagd' && pieces[0] !== PROTO) {
    const name = pieces[0];
    return dynamicNode((data) => {
      let value = data === null || data === undefined ? undefined : data[name];
      if (value === null || value === undefined) value = fallbackRun(data);
      prevRegister.value = value;
      return typeof value === 'function' ? null : value;
    }, reads);
  }
  return dynamicNode((data) => {
    let value = readPath(data, pieces, flagKey);
    if (value === null || value === undefined) value = fallbackRun(data);
    prevRegister.value = value;
    return typeof value === 'function' ? null : value;
  }, reads);
}

/** `var` whose path is computed at evaluation time: null values stay null. */
function computedVar(argument: CompiledNode, scope: CompileScope): CompiledNode {
  const flagKey = flagdKey(scope);
  const whole = wholeData(scope).run;
  return dynamicNode(
    (data) => {
      let key = argument.run(data);
      let fallback: unknown = null;
      if (Array.isArray(key)) {
        if (key[1] !== undefined) fallback = key[1];
        key = key[0];
      }
      if (key === undefined || key === null || key === '') {
        const value = whole(data);
        return typeof value === 'function' ? null : value;
      }
      const pieces = splitPath(String(key));
      let value: any = data;
      for (let i = 0; i < pieces.length; i++) {
        value =
          i === 0 || pieces[i] === PROTO
            ? readPath(value, pieces.slice(i, i + 1), i === 0 ? flagKey : undefined)
            : value[pieces[i]];
        if (value === undefined) return fallback;
        if (value === null && i < pieces.length - 1) return fallback;
      }
      return typeof value === 'function' ? null : value;
    },
    readsData(scope) | argument.reads,
  );
}

/** The first step of a path, where `$flagd` lives at the top level. */
function step(data: any, piece: string, flagKey: string | undefined): any {
  if (flagKey !== undefined && piece === '$flagd') return readPath(data, ['$flagd'], flagKey);
  return data[piece];
}

/**
 * `var` as flagd's reference interprets it (inside an `if` of one or two arguments): a short path
 * is read with JavaScript's `&&`, so a falsy step (0, "", false) is the result.
 */
function interpretedVar(args: unknown, scope: CompileScope): CompiledNode {
  const unwrapped =
    Array.isArray(args) && args.length === 1 && !Array.isArray(args[0]) ? args[0] : args;
  if (unwrapped !== null && typeof unwrapped === 'object')
    return computedVar(scope.compile(unwrapped), scope);
  if (!unwrapped) return wholeData(scope);
  const flagKey = flagdKey(scope);
  const reads = readsData(scope);
  const key = unwrapped as string | number | boolean;
  const text = String(key);
  const pieces = splitPath(text);
  const plain = (value: unknown) =>
    value === undefined || typeof value === 'function' ? null : value;
  if (typeof key === 'number' || (!text.includes('.') && !text.includes('\\'))) {
    return dynamicNode((data) => (data ? plain(step(data, text, flagKey)) : null), reads);
  }
  if (!text.startsWith('../') && (pieces.length === 2 || pieces.length === 3)) {
    const [first, second, third] = pieces;
    return dynamicNode((data) => {
      let value = data && step(data, first, flagKey);
      value = value && value[second];
      if (third !== undefined) value = value && value[third];
      return plain(value);
    }, reads);
  }
  return computedVar(constantNode(key), scope);
}

const varOperator: OperatorCompiler = (args, scope) => {
  if (scope.interpreted) return interpretedVar(args, scope);
  const list = args !== null && typeof args === 'object' ? args : [args];
  if (!Array.isArray(list)) return computedVar(scope.compile(list), scope);
  if (list.length <= 2) {
    const key = list[0];
    if (key === undefined || key === null || key === '') return wholeData(scope);
    if ((typeof key === 'string' && !key.includes('../')) || typeof key === 'number') {
      const fallback = list.length > 1 ? scope.compile(list[1]) : constantNode(null);
      return compiledVar(String(key), fallback, scope);
    }
  }
  const single = list.length === 1 && !Array.isArray(list[0]);
  return computedVar(single ? scope.compile(list[0]) : scope.compile(list), scope);
};

/** The entries of `checked` that have no value in `data` (null counts as a value). */
function missingKeys(checked: any, data: unknown, flagKey: string | undefined): unknown[] {
  const missing: unknown[] = [];
  if (!checked.length) return missing;
  for (let i = 0; i < checked.length; i++) {
    const pieces = splitPath(String(checked[i]));
    let value: any = data;
    let found = true;
    for (let j = 0; j < pieces.length; j++) {
      if (!value) {
        found = false;
        break;
      }
      value =
        j === 0 || pieces[j] === PROTO
          ? readPath(value, pieces.slice(j, j + 1), j === 0 ? flagKey : undefined)
          : value[pieces[j]];
      if (value === undefined) {
        found = false;
        break;
      }
    }
    if (!found) missing.push(checked[i]);
  }
  return missing;
}

const missingOperator: OperatorCompiler = (args, scope) => {
  if (Array.isArray(args) && args.length === 0) return constantNode([]);
  const flagKey = flagdKey(scope);
  const checked = compileArguments(args, scope);
  return dynamicNode(
    (data) => missingKeys(checked.run(data), data, flagKey),
    READS_CONTEXT | checked.reads,
  );
};

const missingSomeOperator: OperatorCompiler = (args, scope) => {
  const flagKey = flagdKey(scope);
  const list = args !== null && typeof args === 'object' ? args : [args];
  if (!Array.isArray(list)) {
    throw new TypeError('"missing_some" expects [minimum, [keys]]');
  }
  const [needed, options] = list;
  if (Array.isArray(options)) {
    const minimum = scope.compile(needed);
    return dynamicNode((data) => {
      const missing = missingKeys(options, data, flagKey);
      prevRegister.value = missing;
      return options.length - missing.length < (minimum.run(data) as number) ? missing : [];
    }, READS_CONTEXT | minimum.reads);
  }
  const evaluated = compileArguments(list, scope);
  return dynamicNode((data) => {
    const [minimum, keys] = evaluated.run(data) as [number, any];
    const missing = missingKeys(keys, data, flagKey);
    return keys.length - missing.length >= minimum ? [] : missing;
  }, READS_CONTEXT | evaluated.reads);
};

/** @internal */
export const DATA_OPERATORS: Record<string, OperatorCompiler> = {
  var: varOperator,
  missing: missingOperator,
  missing_some: missingSomeOperator,
};
