import { type CompiledNode, constantNode, dynamicNode, readsOf } from '../compiled-node';
import type { OperatorCompiler } from '../compile-scope';
import { prevRegister } from '../prev-register';
import { invalidArguments } from '../targeting-error';
import { isTruthy } from '../truthy';

function throwing(operator: string, expected: string, reads: number): CompiledNode {
  return dynamicNode(() => {
    throw invalidArguments(operator, expected);
  }, reads);
}

/** Compiles an argument list the operator requires to be an array. */
function compileBranches(
  operator: string,
  args: unknown,
  scope: Parameters<OperatorCompiler>[1],
): CompiledNode[] | CompiledNode {
  if (Array.isArray(args)) return args.map((arg) => scope.compile(arg));
  const node = scope.compile(args);
  return throwing(operator, 'an array of arguments', node.reads);
}

const ifOperator: OperatorCompiler = (args, parent) => {
  const scope = Array.isArray(args) && args.length < 3 ? { ...parent, interpreted: true } : parent;
  const branches = compileBranches('if', args, scope);
  if (!Array.isArray(branches)) return branches;
  if (branches.length === 0) return constantNode(null);
  if (branches.length === 1) return branches[0];
  const reads = readsOf(branches);
  if (branches.length === 3) {
    const [test, yes, no] = branches.map((branch) => branch.run);
    return dynamicNode((data) => (isTruthy(test(data)) ? yes(data) : no(data)), reads);
  }
  const runs = branches.map((branch) => branch.run);
  if (runs.length % 2 === 0) runs.push(() => null);
  const last = runs.length - 1;
  return dynamicNode((data) => {
    for (let i = 0; i < last; i += 2) {
      if (isTruthy(runs[i](data))) return runs[i + 1](data);
    }
    return runs[last](data);
  }, reads);
};

function chain(operator: 'and' | 'or'): OperatorCompiler {
  const stopWhen = operator === 'or';
  return (args, scope) => {
    const items = compileBranches(operator, args, scope);
    if (!Array.isArray(items)) return items;
    if (items.length === 0) return constantNode(null);
    const runs = items.map((item) => item.run);
    if (runs.length === 2) {
      const [first, second] = runs;
      return dynamicNode((data) => {
        const value = first(data);
        prevRegister.value = value;
        if (isTruthy(value) === stopWhen) return value;
        const next = second(data);
        prevRegister.value = next;
        return next;
      }, readsOf(items));
    }
    return dynamicNode((data) => {
      let value: unknown;
      for (let i = 0; i < runs.length; i++) {
        value = runs[i](data);
        prevRegister.value = value;
        if (isTruthy(value) === stopWhen) return value;
      }
      return value;
    }, readsOf(items));
  };
}

function negation(double: boolean): OperatorCompiler {
  return (args, scope) => {
    const list = Array.isArray(args);
    const single = list && args.length === 1 && !(scope.interpreted && Array.isArray(args[0]));
    const operand = scope.compile(single ? args[0] : args);
    const run = operand.run;
    let value: (data: unknown) => unknown = run;
    if (scope.interpreted) {
      // The interpreter tests the first element of an array value: `{"!": {"var": "list"}}`.
      value = (data) => {
        const result = run(data);
        return Array.isArray(result) ? result[0] : result;
      };
    } else if (list && !single) {
      value = (data) => (run(data) as unknown[])[0];
    }
    return dynamicNode(
      double ? (data) => isTruthy(value(data)) : (data) => !isTruthy(value(data)),
      operand.reads,
    );
  };
}

/** @internal */
export const LOGIC_OPERATORS: Record<string, OperatorCompiler> = {
  if: ifOperator,
  '?:': ifOperator,
  and: chain('and'),
  or: chain('or'),
  '!': negation(false),
  '!!': negation(true),
};
