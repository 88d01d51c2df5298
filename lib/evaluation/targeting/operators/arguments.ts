import { type CompiledNode, constantNode, dynamicNode } from '../compiled-node';
import type { CompileScope } from '../compile-scope';

/**
 * Compiles an operation's arguments into a node producing an array: a single literal becomes a
 * one-element list, an array is compiled element by element, and a single expression is evaluated
 * and wrapped in a list unless it produced one.
 * @internal
 */
export function compileArguments(args: unknown, scope: CompileScope): CompiledNode {
  if (args === null || typeof args !== 'object') return constantNode([args]);
  if (!Array.isArray(args)) {
    const single = scope.compile(args);
    if (single.constant) return constantNode(asList(single.value));
    return dynamicNode((data) => asList(single.run(data)), single.reads);
  }
  return scope.compile(args);
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}
