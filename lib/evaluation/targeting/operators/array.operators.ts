import { type CompiledNode, READS_ELEMENT, dynamicNode, readsOf } from '../compiled-node';
import type { CompileScope, OperatorCompiler } from '../compile-scope';
import type { IterationMeter } from '../iteration-meter';
import { prevRegister } from '../prev-register';
import { TargetingError, invalidArguments } from '../targeting-error';
import { isTruthy } from '../truthy';
import { compileArguments } from './arguments';

function includes(haystack: any, needle: unknown): boolean {
  const list = haystack || [];
  if (typeof list.includes !== 'function') {
    throw new TargetingError('"in" expects an array or a string to search');
  }
  return list.includes(needle);
}

const inOperator: OperatorCompiler = (args, scope) => {
  if (!Array.isArray(args)) {
    const list = compileArguments(args, scope);
    const run = list.run;
    return dynamicNode((data) => {
      const [needle, haystack] = run(data) as unknown[];
      return includes(haystack, needle);
    }, list.reads);
  }
  const needle = scope.compile(args[0]);
  const haystack = scope.compile(args[1]);
  const needleRun = needle.run;
  if (haystack.constant) {
    const constant = haystack.value;
    return dynamicNode((data) => includes(constant, needleRun(data)), needle.reads);
  }
  const haystackRun = haystack.run;
  return dynamicNode(
    (data) => {
      const list = haystackRun(data);
      return includes(list, needleRun(data));
    },
    readsOf([needle, haystack]),
  );
};

const mergeOperator: OperatorCompiler = (args, scope) => {
  const list = compileArguments(args, scope);
  const run = list.run;
  return dynamicNode((data) => {
    const result: unknown[] = [];
    for (const item of run(data) as unknown[]) {
      if (Array.isArray(item)) result.push(...item);
      else result.push(item);
    }
    return result;
  }, list.reads);
};

interface Iteration {
  selector: CompiledNode;
  logic: CompiledNode;
  reads: number;
  /** The rule's meter, when the array is not a literal (whose cost is known when the flag loads). */
  meter: IterationMeter | undefined;
  /** What one run of `logic` costs. */
  cost: number;
}

/** Compiles `[selector, logic]`; inside `logic`, data is the current element. */
function compileIteration(operator: string, args: unknown, scope: CompileScope): Iteration {
  if (!Array.isArray(args)) throw invalidArguments(operator, '[array, logic]');
  const selector = scope.compile(args[0]);
  const logic = scope.compile(args[1], { ...scope, insideIteration: true });
  const literal = Array.isArray(args[0]);
  return {
    selector,
    logic,
    reads: selector.reads | (logic.reads & ~READS_ELEMENT),
    meter: literal ? undefined : scope.compilation.meter(),
    cost: literal ? 0 : scope.compilation.costOf(args[1]),
  };
}

function lengthOf(value: any): unknown {
  return value === null || value === undefined ? 0 : value.length;
}

function elements(operator: string, value: any): any {
  const list = value || [];
  if (typeof list[operator] !== 'function') {
    throw new TargetingError(`"${operator}" expects an array`);
  }
  return list;
}

/** `all`, `some` and `none` as flagd's interpreter runs them: over anything with a length. */
function interpretedTest(method: 'some' | 'every', negate: boolean) {
  return (list: any, test: (item: unknown) => boolean): boolean => {
    const items = list || [];
    if (method === 'every' && Array.isArray(items) && items.length === 0) return false;
    for (let i = 0; i < items.length; i++) {
      if (test(items[i]) !== (method === 'every')) return method === 'some' ? !negate : false;
    }
    return method === 'some' ? negate : true;
  };
}

function iterating(
  method: 'map' | 'filter' | 'some' | 'every',
  truthy: boolean,
  negate = false,
): OperatorCompiler {
  const operator = method === 'every' ? 'all' : negate ? 'none' : method;
  return (args, scope) => {
    const { selector, logic, reads, meter, cost } = compileIteration(operator, args, scope);
    const select = selector.run;
    const apply = logic.run;
    const callback = truthy ? (item: unknown) => isTruthy(apply(item)) : apply;
    if (scope.interpreted && method === 'filter' && logic.constant) {
      // The interpreter's shortcut: a constant test keeps the whole selection, or nothing.
      const keep = isTruthy(logic.value);
      return dynamicNode((data) => (keep ? select(data) : []), reads);
    }
    if (scope.interpreted && (method === 'some' || method === 'every')) {
      const test = interpretedTest(method, negate);
      return dynamicNode((data) => {
        const list = select(data);
        meter?.charge(lengthOf(list), cost);
        return test(list, callback as (item: unknown) => boolean);
      }, reads);
    }
    return dynamicNode((data) => {
      const list = select(data);
      if (method === 'every') {
        prevRegister.value = list;
        if (Array.isArray(list) && list.length === 0) return false;
      }
      // The logic runs with a register of its own, as in flagd's reference.
      const saved = prevRegister.value;
      const items = elements(method, list);
      meter?.charge(items.length, cost);
      const result = items[method](callback);
      prevRegister.value = saved;
      return negate ? !result : result;
    }, reads);
  };
}

/** Refuses accumulators holding nested objects, as flagd's reference does. */
function flat(value: unknown): unknown {
  if (!value || typeof value !== 'object') return value;
  for (const item of Object.values(value)) {
    if (item !== null && typeof item === 'object') {
      throw new TargetingError('"reduce" cannot build nested objects');
    }
  }
  return value;
}

const reduceOperator: OperatorCompiler = (args, scope) => {
  const { selector, logic, reads, meter, cost } = compileIteration('reduce', args, scope);
  const list = args as unknown[];
  const initial = list.length > 2 ? scope.compile(list[2]) : undefined;
  const select = selector.run;
  const apply = logic.run;
  const step = (accumulator: unknown, current: unknown) => flat(apply({ accumulator, current }));
  const start = initial?.run;
  return dynamicNode(
    (data) => {
      const list = elements('reduce', select(data));
      meter?.charge(list.length, cost);
      const first = start === undefined ? undefined : flat(start(data));
      const saved = prevRegister.value;
      const result = start === undefined ? list.reduce(step) : list.reduce(step, first);
      prevRegister.value = saved;
      return result;
    },
    reads | (initial?.reads ?? 0),
  );
};

/** @internal */
export const ARRAY_OPERATORS: Record<string, OperatorCompiler> = {
  in: inOperator,
  merge: mergeOperator,
  map: iterating('map', false),
  filter: iterating('filter', true),
  all: iterating('every', true),
  some: iterating('some', true),
  none: iterating('some', true, true),
  reduce: reduceOperator,
};
