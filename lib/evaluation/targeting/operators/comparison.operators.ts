import { type CompiledNode, dynamicNode, readsOf } from '../compiled-node';
import type { OperatorCompiler } from '../compile-scope';
import { compareCheck, precoerceNumber } from '../coercion';
import { prevRegister } from '../prev-register';
import { invalidArguments, notANumber } from '../targeting-error';

type Compare = (left: any, right: any) => boolean;

const COMPARISONS: Record<string, Compare> = {
  '==': (a, b) => a == b,
  '!=': (a, b) => a != b,
  '===': (a, b) => a === b,
  '!==': (a, b) => a !== b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

/** The interpreter's comparison: both sides are checked, and numbers compare as numbers. */
function interpretedComparison(operator: string, compare: Compare, strict: boolean): Compare {
  return (a, b) => {
    if (
      strict ||
      ((typeof a === 'string' || a === null) && (typeof b === 'string' || b === null))
    ) {
      return compare(a, b);
    }
    if (Number.isNaN(+(precoerceNumber(a, operator) as number))) throw notANumber(operator);
    if (Number.isNaN(+(precoerceNumber(b, operator) as number)) && a !== null)
      throw notANumber(operator);
    return compare(+(a as number), +(b as number));
  };
}

function interpreted(operator: string, compare: Compare, operands: CompiledNode[]): CompiledNode {
  const check = interpretedComparison(operator, compare, operator.length === 3);
  const runs = operands.map((operand) => operand.run);
  return dynamicNode((data) => {
    let left = runs[0](data);
    for (let i = 1; i < runs.length; i++) {
      const right = runs[i](data);
      if (!check(left, right)) return false;
      left = right;
    }
    return true;
  }, readsOf(operands));
}

function comparison(operator: string, compare: Compare): OperatorCompiler {
  const strict = operator.length === 3;
  return (args, scope) => {
    if (!Array.isArray(args) || args.length < 2) {
      const reads = scope.compile(args).reads;
      return dynamicNode(() => {
        throw invalidArguments(operator, 'at least two arguments');
      }, reads);
    }
    // A loop, not a closure over `scope`: the closures below would keep the scope alive.
    const operands: CompiledNode[] = [];
    for (const arg of args) operands.push(scope.compile(arg));
    if (scope.interpreted) return interpreted(operator, compare, operands);
    const runs = operands.map((operand) => operand.run);
    const [leftRun, rightRun] = runs;
    if (runs.length === 2 && operands[1].constant) {
      // The common `{"==": [{"var": "plan"}, "premium"]}`: no register write to account for.
      const right = operands[1].value;
      const plain = strict || typeof right === 'string';
      return dynamicNode((data) => {
        const left = leftRun(data);
        prevRegister.value = left;
        if (plain && (strict || typeof left === 'string' || left === null))
          return compare(left, right);
        return compare(left, compareCheck(right, left, strict, operator));
      }, operands[0].reads);
    }
    if (runs.length === 2) {
      return dynamicNode((data) => {
        const left = leftRun(data);
        prevRegister.value = left;
        const right = rightRun(data);
        return compare(left, compareCheck(right, prevRegister.value, strict, operator));
      }, readsOf(operands));
    }
    // `a < b < c`: each operand is checked against the register left by the previous step.
    return dynamicNode((data) => {
      let left = runs[0](data);
      prevRegister.value = left;
      for (let i = 1; i < runs.length; i++) {
        const raw = runs[i](data);
        const right = compareCheck(raw, prevRegister.value, strict, operator);
        prevRegister.value = right;
        if (!compare(left, right)) return false;
        left = right;
      }
      return true;
    }, readsOf(operands));
  };
}

/** @internal */
export const COMPARISON_OPERATORS: Record<string, OperatorCompiler> = Object.fromEntries(
  Object.entries(COMPARISONS).map(([operator, compare]) => [
    operator,
    comparison(operator, compare),
  ]),
);
