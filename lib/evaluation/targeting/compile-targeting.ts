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
import { OPERATORS } from './operators';
import { TargetingStructureError } from './targeting-error';

/** The reference to a shared rule in `$evaluators`. @internal */
export const REF_KEY = '$ref';

function compileArray(items: readonly unknown[], scope: CompileScope): CompiledNode {
  const nodes = items.map((item) => compileNode(item, scope));
  if (nodes.every((node) => node.constant)) return constantNode(nodes.map((node) => node.value));
  const runs = nodes.map((node) => node.run);
  return dynamicNode((data) => runs.map((run) => run(data)), readsOf(nodes));
}

function expandReference(name: unknown, scope: CompileScope): CompiledNode {
  if (typeof name !== 'string' || !Object.prototype.hasOwnProperty.call(scope.evaluators, name)) {
    throw new TargetingStructureError(
      `"$ref" names an evaluator that does not exist: ${JSON.stringify(name)}`,
    );
  }
  if (scope.expanding.includes(name)) {
    throw new TargetingStructureError(`"$ref" cycle: ${[...scope.expanding, name].join(' -> ')}`);
  }
  return compileNode(scope.evaluators[name], { ...scope, expanding: [...scope.expanding, name] });
}

/** @internal */
export function compileNode(logic: unknown, parent: CompileScope): CompiledNode {
  if (logic === null || typeof logic !== 'object') return constantNode(logic);
  const scope: CompileScope = { ...parent, depth: parent.depth + 1 };
  if (scope.depth > scope.maxDepth) {
    throw new TargetingStructureError(`targeting is nested deeper than ${scope.maxDepth} levels`);
  }
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
    return fold(compileInterpreted(compile, args, { ...scope, interpreted: true }));
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
    if (key === REF_KEY)
      return typeof args === 'string' && readsContext(scope.evaluators[args], scope);
    return CONTEXT_OPERATORS.has(key) || readsContext(args, scope);
  });
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
    return fold(compile(args, scope));
  } catch (error) {
    if (error instanceof TargetingStructureError) throw error;
    return failing(error, readsContext(args, scope) ? READS_CONTEXT : 0);
  }
}

/** Options of {@link compileTargeting}. @internal */
export interface TargetingCompileOptions {
  flagKey: string;
  evaluators: Readonly<Record<string, unknown>>;
  maxDepth: number;
}

/**
 * Compiles a flag's targeting into a closure over the evaluation context.
 * @throws TargetingError (or the error an operation raised while being computed at compile time)
 * @internal
 */
export function compileTargeting(logic: unknown, options: TargetingCompileOptions): Rule {
  const scope: CompileScope = {
    flagKey: options.flagKey,
    evaluators: options.evaluators,
    maxDepth: options.maxDepth,
    insideIteration: false,
    interpreted: false,
    failures: [],
    expanding: [],
    depth: 0,
    compile(child, override) {
      return compileNode(child, override ?? this);
    },
  };
  const rule = compileNode(logic, scope).run;
  if (scope.failures.length > 0) throw scope.failures[0];
  return rule;
}
