import { type CompiledNode, constantNode, dynamicNode } from '../compiled-node';
import type { CompileScope, OperatorCompiler } from '../compile-scope';
import { precoerceNumber } from '../coercion';
import { prevRegister } from '../prev-register';
import { invalidArguments, notANumber } from '../targeting-error';
import { compileArguments } from './arguments';

/*
 * Arithmetic coerces as flagd's reference does: literal operands are checked once at compile time
 * (a non-numeric string or an array literal makes the rule invalid), computed operands at each
 * evaluation (a non-numeric value fails that evaluation).
 */

interface Term {
  run: (data: unknown) => number;
  reads: number;
  /** A literal (or folded) operand equal to zero: invalid as a divisor. */
  zero: boolean;
}

function term(raw: unknown, operator: string, scope: CompileScope): Term {
  if (Array.isArray(raw)) throw notANumber(operator);
  if (raw !== null && typeof raw === 'object' && Object.keys(raw).length === 0) {
    throw notANumber(operator);
  }
  const node = scope.compile(raw);
  if (!node.constant) {
    const run = node.run;
    return {
      run: (data) => +(precoerceNumber(run(data), operator) as number),
      reads: node.reads,
      zero: false,
    };
  }
  const value = node.value;
  if (value !== null && typeof value === 'object') {
    const fail = (): number => {
      throw notANumber(operator);
    };
    return { run: fail, reads: 0, zero: false };
  }
  const number = +(value as number);
  if (typeof value === 'string' && Number.isNaN(number)) throw notANumber(operator);
  const zero = number === 0 && (typeof value === 'string' || typeof value === 'number');
  return { run: () => number, reads: 0, zero };
}

type Fold = (
  terms: Array<(data: unknown) => number>,
  operator: string,
) => (data: unknown) => unknown;

function listForm(
  operator: string,
  args: unknown[],
  scope: CompileScope,
  combine: Fold,
): CompiledNode {
  const terms = args.map((arg) => term(arg, operator, scope));
  if (operator === '/' && terms.slice(1).some((t) => t.zero)) throw notANumber(operator);
  let reads = 0;
  for (const t of terms) reads |= t.reads;
  return dynamicNode(
    combine(
      terms.map((t) => t.run),
      operator,
    ),
    reads,
  );
}

function checked(value: number, operator: string): number {
  return precoerceNumber(value, operator) as number;
}

const sum: Fold = (runs, operator) => {
  if (runs.length === 2) {
    const [a, b] = runs;
    return (data) => checked(a(data) + b(data), operator);
  }
  return (data) => {
    let total = 0;
    for (const run of runs) total += run(data);
    return checked(total, operator);
  };
};

const product: Fold = (runs, operator) => (data) => {
  let total = 1;
  for (const run of runs) total *= run(data);
  return checked(total, operator);
};

const difference: Fold = (runs, operator) => {
  if (runs.length === 1) return (data) => -(precoerceNumber(runs[0](data), operator) as number);
  return (data) => {
    let total = runs[0](data);
    for (let i = 1; i < runs.length; i++) total -= runs[i](data);
    return checked(total, operator);
  };
};

const remainder: Fold = (runs, operator) => (data) => {
  let total = runs[0](data);
  for (let i = 1; i < runs.length; i++) total %= runs[i](data);
  return checked(total, operator);
};

const quotient: Fold = (runs, operator) => (data) => {
  let total = runs[0](data);
  for (let i = 1; i < runs.length; i++) {
    const divisor = runs[i](data);
    total /= precoerceNumber(divisor || NaN, operator) as number;
  }
  return checked(total, operator);
};

/** `{"op": expression}`: the operation over the array the expression produces. */
function expressionForm(
  operator: string,
  expression: CompiledNode,
  reduce: (value: unknown) => unknown,
  interpreted: boolean,
): CompiledNode {
  const run = expression.run;
  const apply = interpreted ? (value: unknown) => interpretedArithmetic(operator, value) : reduce;
  return dynamicNode((data) => apply(run(data)), expression.reads);
}

function rejectObject(value: unknown, operator: string): void {
  if (value && typeof value === 'object') throw notANumber(operator);
}

/** `{"op": expression}` as flagd's interpreter computes it (inside a short `if`). */
function interpretedArithmetic(operator: string, value: unknown): number {
  if (operator === '+' || operator === '-') {
    const sign = operator === '+' ? 1 : -1;
    if (!value) return 0;
    if (!Array.isArray(value)) {
      rejectObject(value, operator);
      return precoerceNumber(sign * +(value as number), operator) as number;
    }
    if (sign < 0 && value.length === 0) throw invalidArguments(operator, 'at least one argument');
    if (sign < 0 && value.length === 1) {
      rejectObject(value[0], operator);
      return -value[0];
    }
    let total = sign > 0 ? 0 : +value[0];
    for (let i = sign > 0 ? 0 : 1; i < value.length; i++) {
      rejectObject(value[i], operator);
      total += sign * +value[i];
    }
    return checked(total, operator);
  }
  const list = Array.isArray(value) ? value : [value];
  list.forEach((item) => rejectObject(item, operator));
  if (operator === '*')
    return checked(
      list.reduce((a: number, b) => a * +b, 1),
      operator,
    );
  if (list.length < (operator === '%' ? 2 : 1)) throw invalidArguments(operator, 'more arguments');
  if (operator === '/' && list.length === 1) {
    if (!+list[0]) throw notANumber(operator);
    return 1 / +list[0];
  }
  let total = +list[0];
  for (let i = 1; i < list.length; i++) {
    if (operator === '/' && !list[i]) throw notANumber(operator);
    total = operator === '/' ? total / +list[i] : total % +list[i];
  }
  if (total === Infinity) throw notANumber(operator);
  return checked(total, operator);
}

function numberOf(value: unknown, operator: string): number {
  return +(precoerceNumber(value, operator) as number);
}

function assertList(value: unknown, size: number, operator: string): unknown[] {
  if (!Array.isArray(value) || value.length < size) throw invalidArguments(operator, 'an array');
  return value;
}

const plus: OperatorCompiler = (args, scope) => {
  if (args !== null && typeof args === 'object' && !Array.isArray(args)) {
    return expressionForm(
      '+',
      scope.compile(args),
      (value) => {
        prevRegister.value = value;
        if (Array.isArray(value)) return value.reduce((a, b) => +a + numberOf(b, '+'), 0);
        return precoerceNumber(+(value as number), '+');
      },
      scope.interpreted,
    );
  }
  const list = Array.isArray(args) ? args : [args];
  if (list.length === 0) return constantNode(0);
  return listForm('+', list, scope, sum);
};

const times: OperatorCompiler = (args, scope) => {
  if (args !== null && typeof args === 'object' && !Array.isArray(args)) {
    return expressionForm(
      '*',
      scope.compile(args),
      (value) =>
        (value as unknown[]).reduce((a: number, b) => numberOf(a, '*') * numberOf(b, '*'), 1),
      scope.interpreted,
    );
  }
  const list = Array.isArray(args) ? args : [args];
  if (list.length === 0) return constantNode(1);
  return listForm('*', list, scope, product);
};

const minus: OperatorCompiler = (args, scope) => {
  if (args !== null && typeof args === 'object' && !Array.isArray(args)) {
    return expressionForm(
      '-',
      scope.compile(args),
      (value) => {
        prevRegister.value = value;
        if (!Array.isArray(value)) return -(precoerceNumber(+(value as number), '-') as number);
        if (value.length === 1) return -(precoerceNumber(value[0], '-') as number);
        return assertList(value, 1, '-').reduce((a, b) => numberOf(a, '-') - numberOf(b, '-'));
      },
      scope.interpreted,
    );
  }
  const list = Array.isArray(args) ? args : [args];
  if (list.length === 0) throw invalidArguments('-', 'at least one argument');
  return listForm('-', list, scope, difference);
};

const divide: OperatorCompiler = (args, scope) => {
  if (args !== null && typeof args === 'object' && !Array.isArray(args)) {
    return expressionForm(
      '/',
      scope.compile(args),
      (value) => {
        prevRegister.value = value;
        const list = assertList(value, 1, '/');
        if (list.length === 1) return 1 / (precoerceNumber(list[0] || NaN, '/') as number);
        return list.reduce((a, b) => numberOf(a, '/') / numberOf(b || NaN, '/'));
      },
      scope.interpreted,
    );
  }
  const list = Array.isArray(args) ? args : [args];
  if (list.length === 0) throw invalidArguments('/', 'at least one argument');
  return listForm('/', list.length === 1 ? [1, list[0]] : list, scope, quotient);
};

const modulo: OperatorCompiler = (args, scope) => {
  if (args !== null && typeof args === 'object' && !Array.isArray(args)) {
    return expressionForm(
      '%',
      scope.compile(args),
      (value) => assertList(value, 2, '%').reduce((a, b) => numberOf(a, '%') % numberOf(b, '%')),
      scope.interpreted,
    );
  }
  const list = Array.isArray(args) ? args : [args];
  if (list.length < 2) throw invalidArguments('%', 'at least two arguments');
  return listForm('%', list, scope, remainder);
};

function extreme(operator: 'min' | 'max'): OperatorCompiler {
  const wins =
    operator === 'min' ? (a: number, b: number) => a < b : (a: number, b: number) => a > b;
  return (args, scope) => {
    const list = compileArguments(args, scope);
    const run = list.run;
    return dynamicNode((data) => {
      const values = run(data) as unknown[];
      if (values.length === 0 || typeof values[0] !== 'number') {
        throw invalidArguments(operator, 'numbers');
      }
      let best = values[0];
      for (let i = 1; i < values.length; i++) {
        const value = values[i];
        if (typeof value !== 'number') throw invalidArguments(operator, 'numbers');
        if (wins(value, best)) best = value;
      }
      return best;
    }, list.reads);
  };
}

/** @internal */
export const ARITHMETIC_OPERATORS: Record<string, OperatorCompiler> = {
  '+': plus,
  '-': minus,
  '*': times,
  '/': divide,
  '%': modulo,
  min: extreme('min'),
  max: extreme('max'),
};
