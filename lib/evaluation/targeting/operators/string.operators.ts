import { dynamicNode } from '../compiled-node';
import type { OperatorCompiler } from '../compile-scope';
import { TargetingError } from '../targeting-error';
import { compileArguments } from './arguments';
import { contextOperation } from './context-operation';

const catOperator: OperatorCompiler = (args, scope) => {
  if (scope.interpreted || (args !== null && typeof args === 'object' && !Array.isArray(args))) {
    // The interpreter (and the compiled form of `{"cat": expression}`) skips null and undefined.
    const value = scope.compile(
      Array.isArray(args) && args.length === 1 && !Array.isArray(args[0]) ? args[0] : args,
    );
    const run = value.run;
    return dynamicNode((data) => {
      const items: any = run(data);
      if (typeof items === 'string') return items;
      if (!Array.isArray(items)) return items.toString();
      let text = '';
      for (const item of items) if (item !== null && item !== undefined) text += item;
      return text;
    }, value.reads);
  }
  const parts = scope.compile(Array.isArray(args) ? args : [args]);
  const run = parts.run;
  return dynamicNode((data) => {
    let text = '';
    for (const part of run(data) as unknown[]) text += String(part);
    return text;
  }, parts.reads);
};

const substrOperator: OperatorCompiler = (args, scope) => {
  const list = compileArguments(args, scope);
  const run = list.run;
  return dynamicNode((data) => {
    const [text, from, length] = run(data) as [any, any, any];
    if (typeof text?.substr !== 'function') {
      throw new TargetingError('"substr" expects a string');
    }
    if (length < 0) {
      const tail = text.substr(from);
      return tail.substr(0, tail.length + length);
    }
    return text.substr(from, length);
  }, list.reads);
};

function affix(operator: 'starts_with' | 'ends_with'): OperatorCompiler {
  const test =
    operator === 'starts_with'
      ? (text: string, part: string) => text.startsWith(part)
      : (text: string, part: string) => text.endsWith(part);
  return contextOperation((args) => {
    if (args.length !== 2 || typeof args[0] !== 'string' || typeof args[1] !== 'string') {
      return null;
    }
    return test(args[0], args[1]);
  });
}

/** @internal */
export const STRING_OPERATORS: Record<string, OperatorCompiler> = {
  cat: catOperator,
  substr: substrOperator,
  starts_with: affix('starts_with'),
  ends_with: affix('ends_with'),
};
