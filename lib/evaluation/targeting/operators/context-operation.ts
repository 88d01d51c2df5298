import { type CompiledNode, READS_CONTEXT, dynamicNode } from '../compiled-node';
import type { CompileScope, OperatorCompiler } from '../compile-scope';
import { TargetingError } from '../targeting-error';
import { compileArguments } from './arguments';

/**
 * flagd's own operations (`fractional`, `sem_ver`, `starts_with`, `ends_with`) read the evaluation
 * context, so they are never computed at compile time, and flagd's reference cannot run them
 * inside `map`, `filter` or `reduce`, where they fail the evaluation.
 * @internal
 */
export function contextOperation(
  operation: (args: unknown[], context: any) => unknown,
): OperatorCompiler {
  return (args, scope) => {
    const list = compileArguments(args, scope);
    return contextNode(scope, list.run, (data, values) => operation(values as unknown[], data));
  };
}

/** @internal */
export function contextNode(
  scope: CompileScope,
  args: CompiledNode['run'],
  operation: (data: any, args: unknown) => unknown,
): CompiledNode {
  if (scope.insideIteration) {
    return dynamicNode(() => {
      throw new TargetingError('flagd operations cannot run inside map, filter or reduce');
    }, READS_CONTEXT);
  }
  return dynamicNode((data) => operation(data, args(data)), READS_CONTEXT);
}
