import {
  READS_CONTEXT,
  type CompiledNode,
  type Rule,
  constantNode,
  dynamicNode,
  fold,
  readsOf,
} from './compiled-node';
import type { CompileScope, OperatorCompiler } from './compile-scope';
import { REF_KEY } from './reference';
import {
  type CompiledReference,
  type CompiledReferences,
  FlagCompilation,
  wayOf,
} from './flag-compilation';
import type { IterationMeter } from './iteration-meter';
import { OPERATORS } from './operators';
import type { RuleCosts, RuleLimits } from './rule-cost';
import { TargetingStructureError } from './targeting-error';

const hasOwn = Object.prototype.hasOwnProperty;

function compileArray(items: readonly unknown[], scope: CompileScope): CompiledNode {
  // A loop, not a closure over `scope`: the closure below would keep the scope alive with the rule.
  const nodes: CompiledNode[] = [];
  for (const item of items) nodes.push(compileNode(item, scope));
  if (nodes.every((node) => node.constant)) return constantNode(nodes.map((node) => node.value));
  const runs = nodes.map((node) => node.run);
  return dynamicNode((data) => runs.map((run) => run(data)), readsOf(nodes));
}

function tooDeep(maxDepth: number): TargetingStructureError {
  return new TargetingStructureError(`targeting is nested deeper than ${maxDepth} levels`);
}

/**
 * A `$ref` compiles once per flag for each way it can compile, and every use shares the node:
 * expanding it again at each use let a few kilobytes of evaluators sharing one another expand to
 * millions of nodes. Each use then does what expanding there would have done: check the depth
 * limit from where it stands, add the errors of the evaluator's constant parts, or throw its error.
 */
function expandReference(name: unknown, scope: CompileScope): CompiledNode {
  if (typeof name !== 'string' || !hasOwn.call(scope.evaluators, name)) {
    throw new TargetingStructureError(
      `"$ref" names an evaluator that does not exist: ${JSON.stringify(name)}`,
    );
  }
  if (scope.expanding.includes(name)) {
    throw new TargetingStructureError(`"$ref" cycle: ${[...scope.expanding, name].join(' -> ')}`);
  }
  const { compilation } = scope;
  const way = wayOf(scope.interpreted, scope.insideIteration);
  let reference = compilation.references.get(way, name);
  if (reference === undefined) {
    reference = compileReference(name, scope);
    compilation.references.set(way, name, reference);
  }
  const reached = scope.depth + reference.depth;
  if (reached > scope.maxDepth) throw tooDeep(scope.maxDepth);
  if (reached > compilation.deepest) compilation.deepest = reached;
  for (const failure of reference.failures) scope.failures.push(failure);
  if (reference.failed) throw reference.error;
  return reference.node as CompiledNode;
}

/**
 * Compiles an evaluator where it is first used (so that the depth limit stops a chain of `$ref`s
 * there), recording how deep it goes below the `$ref` rather than from the top. A structural
 * error ends the whole compilation, so it is never recorded.
 */
function compileReference(name: string, scope: CompileScope): CompiledReference {
  const { compilation } = scope;
  const outer = compilation.deepest;
  compilation.deepest = scope.depth;
  const failures: unknown[] = [];
  const inner: CompileScope = { ...scope, failures, expanding: [...scope.expanding, name] };
  try {
    const node = compileNode(scope.evaluators[name], inner);
    const depth = compilation.deepest - scope.depth;
    return { node, failed: false, error: undefined, failures, depth };
  } catch (error) {
    if (error instanceof TargetingStructureError) throw error;
    const depth = compilation.deepest - scope.depth;
    return { node: undefined, failed: true, error, failures, depth };
  } finally {
    if (outer > compilation.deepest) compilation.deepest = outer;
  }
}

/** Computes a constant part now; each gets the whole iteration budget, as an evaluation would. */
function foldNow(node: CompiledNode, scope: CompileScope): CompiledNode {
  scope.compilation.meterInUse?.reset();
  return fold(node);
}

/** @internal */
export function compileNode(logic: unknown, parent: CompileScope): CompiledNode {
  if (logic === null || typeof logic !== 'object') return constantNode(logic);
  const scope: CompileScope = { ...parent, depth: parent.depth + 1 };
  if (scope.depth > scope.maxDepth) throw tooDeep(scope.maxDepth);
  if (scope.depth > scope.compilation.deepest) scope.compilation.deepest = scope.depth;
  if (Array.isArray(logic)) return compileArray(logic, scope);
  const keys = Object.keys(logic);
  if (keys.length === 0) return constantNode(logic);
  if (keys.length > 1) {
    throw new TargetingStructureError(
      `an operation is an object with exactly one key; found ${keys.map((k) => JSON.stringify(k)).join(', ')}`,
    );
  }
  const operator = keys[0];
  const args = (logic as Record<string, unknown>)[operator];
  if (operator === REF_KEY) return expandReference(args, scope);
  const compile = OPERATORS.get(operator);
  if (!compile) throw new TargetingStructureError(`unknown operation "${operator}"`);
  if (scope.interpreted) return compileInterpreted(compile, args, scope);
  const mark = scope.failures.length;
  const node = compile(args, scope);
  if (node.reads !== 0) {
    if (scope.failures.length > mark) throw scope.failures[mark];
    return node;
  }
  // A constant part: flagd's reference computes it once, with its interpreter, which coerces
  // differently (`{"cat": [null]}` fails there) and skips branches it does not take.
  scope.failures.length = mark;
  try {
    return foldNow(compileInterpreted(compile, args, { ...scope, interpreted: true }), scope);
  } catch (error) {
    if (error instanceof TargetingStructureError) throw error;
    scope.failures.push(error);
    return failing(error);
  }
}

function failing(error: unknown, reads = 0): CompiledNode {
  return dynamicNode(() => {
    throw error;
  }, reads);
}

/** Operations that read the evaluation context: a rule using none is constant. @internal */
export const CONTEXT_OPERATORS: ReadonlySet<string> = new Set([
  'var',
  'missing',
  'missing_some',
  'fractional',
  'sem_ver',
  'starts_with',
  'ends_with',
]);

/** Whether raw logic reads the context anywhere (what flagd's reference calls non-deterministic). */
function readsContext(logic: unknown, scope: CompileScope): boolean {
  if (logic === null || typeof logic !== 'object') return false;
  if (Array.isArray(logic)) return logic.some((item) => readsContext(item, scope));
  return Object.entries(logic).some(([key, args]) => {
    if (key === REF_KEY) return typeof args === 'string' && referenceReadsContext(args, scope);
    return CONTEXT_OPERATORS.has(key) || readsContext(args, scope);
  });
}

/** Scanned once per evaluator and compilation; a cycle is refused as expanding it would be. */
function referenceReadsContext(name: string, scope: CompileScope): boolean {
  if (!hasOwn.call(scope.evaluators, name)) return false;
  const { contextReads, reading } = scope.compilation;
  const known = contextReads.get(name);
  if (known === null) {
    const cycle = [...reading.slice(reading.indexOf(name)), name];
    throw new TargetingStructureError(`"$ref" cycle: ${cycle.join(' -> ')}`);
  }
  if (known !== undefined) return known;
  contextReads.set(name, null);
  reading.push(name);
  const reads = readsContext(scope.evaluators[name], scope);
  reading.pop();
  contextReads.set(name, reads);
  return reads;
}

/**
 * flagd's reference interprets this part at evaluation time: its errors fail evaluations
 * (GENERAL) instead of the flag (PARSE_ERROR), unless it is computed when the flag loads.
 */
function compileInterpreted(
  compile: OperatorCompiler,
  args: unknown,
  scope: CompileScope,
): CompiledNode {
  try {
    return foldNow(compile(args, scope), scope);
  } catch (error) {
    if (error instanceof TargetingStructureError) throw error;
    return failing(error, readsContext(args, scope) ? READS_CONTEXT : 0);
  }
}

/** Options of {@link compileTargeting}. @internal */
export interface TargetingCompileOptions extends RuleLimits {
  flagKey: string;
  evaluators: Readonly<Record<string, unknown>>;
  /** Costs already measured against these evaluators, reused for iteration bodies. */
  costs?: RuleCosts;
  /**
   * `$ref`s compiled by earlier compilations. Only for parts free of context reads, which compile
   * the same whatever the flag (strict validation computes such parts once per flag set).
   */
  references?: CompiledReferences;
}

/**
 * Compiles a flag's targeting into a closure over the evaluation context. A rule iterating over
 * arrays from the context resets its meter each time it is entered; any other rule is the bare
 * closure.
 * @throws TargetingError (or the error an operation raised while being computed at compile time)
 * @internal
 */
export function compileTargeting(logic: unknown, options: TargetingCompileOptions): Rule {
  const compilation = new FlagCompilation(
    options.evaluators,
    options,
    options.costs,
    options.references,
  );
  const scope: CompileScope = {
    flagKey: options.flagKey,
    evaluators: options.evaluators,
    maxDepth: options.maxDepth,
    insideIteration: false,
    interpreted: false,
    failures: [],
    expanding: [],
    depth: 0,
    compilation,
    compile(child, override) {
      return compileNode(child, override ?? this);
    },
  };
  const rule = compileNode(logic, scope).run;
  if (scope.failures.length > 0) throw scope.failures[0];
  const meter = compilation.meterInUse;
  return meter === undefined ? rule : metered(rule, meter);
}

/** Kept out of `compileTargeting`, whose scope (and the compilation) the rule must not hold. */
function metered(rule: Rule, meter: IterationMeter): Rule {
  return (data) => {
    meter.reset();
    return rule(data);
  };
}
