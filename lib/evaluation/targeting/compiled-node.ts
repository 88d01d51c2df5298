/**
 * A compiled piece of targeting: a closure over the data it reads (the evaluation context at the
 * top level, the current element inside `map`, `filter`, ...).
 * @internal
 */
export type Rule = (data: any) => unknown;

/** The node reads the current element of an iteration. @internal */
export const READS_ELEMENT = 1;
/** The node reads the evaluation context, the clock or the flag key: never folded. @internal */
export const READS_CONTEXT = 2;

/** @internal */
export interface CompiledNode {
  readonly run: Rule;
  /** READS_* bits; 0 means the node's value is known at compile time. */
  readonly reads: number;
  readonly constant: boolean;
  readonly value?: unknown;
}

/** @internal */
export function constantNode(value: unknown): CompiledNode {
  return { run: () => value, reads: 0, constant: true, value };
}

/** @internal */
export function dynamicNode(run: Rule, reads: number): CompiledNode {
  return { run, reads, constant: false };
}

/** The union of what the nodes read. @internal */
export function readsOf(nodes: readonly CompiledNode[]): number {
  let reads = 0;
  for (const node of nodes) reads |= node.reads;
  return reads;
}

/**
 * Rules made only of literals are computed once, at compile time, as flagd's reference does; an
 * error they raise then makes the flag invalid instead of failing each evaluation.
 * @internal
 */
export function fold(node: CompiledNode): CompiledNode {
  if (node.constant || node.reads !== 0) return node;
  return constantNode(node.run(undefined));
}
