import { CONTEXT_OPERATORS, compileTargeting } from './targeting/compile-targeting';
import { REF_KEY } from './targeting/reference';
import { CompiledReferences } from './targeting/flag-compilation';
import { MAX_TOTAL_WEIGHT } from './targeting/fractional';
import { OPERATORS } from './targeting/operators';
import { PerEvaluator } from './targeting/per-evaluator';
import type { RuleCosts, RuleLimits } from './targeting/rule-cost';
import { SEM_VER_OPERATORS } from './targeting/sem-ver';
import { type ValidationError, pointer } from './validation-error';

/*
 * Strict checks of targeting without compiling it (flags compile on first use): everything that
 * would make a rule fail to compile, always fail, or silently never match. The path is kept as a
 * stack of segments and turned into a JSON pointer only when something is wrong.
 *
 * Each evaluator is checked once per flag set, and its problems reported once, under
 * "/$evaluators/<name>"; a `$ref` in a flag then costs a lookup, plus, where the evaluator can
 * choose the flag's variant, one walk of its result positions per flag. Walking evaluators again
 * at every use took time exponential in the document for evaluators sharing one another.
 */

const hasOwn = Object.prototype.hasOwnProperty;
const ARRAY_ARGUMENTS = new Set([
  'if',
  '?:',
  'and',
  'or',
  'map',
  'filter',
  'reduce',
  'all',
  'some',
  'none',
]);
const ARITY: Record<string, number> = { sem_ver: 3, starts_with: 2, ends_with: 2 };
const MIN_ARGUMENTS: Record<string, number> = {
  '-': 1,
  '/': 1,
  '%': 2,
  '==': 2,
  '!=': 2,
  '===': 2,
  '!==': 2,
  '<': 2,
  '<=': 2,
  '>': 2,
  '>=': 2,
};
const ARITHMETIC = new Set(['+', '-', '*', '/', '%']);

/** What strict validation learns about an evaluator, once per flag set. */
interface EvaluatorSummary {
  /** Free of context reads: a part using it is computed when its flag loads. */
  readonly pure: boolean;
  /** Free of problems, its own and those of the evaluators it uses. */
  readonly clean: boolean;
  /** How many levels it reaches below a `$ref` to it. */
  readonly depth: number;
}

/**
 * The checks of one flag set's `$evaluators`, which the checks of its flags look up.
 * @internal
 */
export class EvaluatorChecks {
  /** `$ref`s compiled for parts free of context reads, which compile the same for every flag. */
  readonly references = new CompiledReferences();
  private readonly summaries: PerEvaluator<EvaluatorSummary>;

  constructor(
    readonly evaluators: Readonly<Record<string, unknown>>,
    readonly limits: RuleLimits,
    readonly costs: RuleCosts,
    private readonly errors: ValidationError[],
  ) {
    this.summaries = new PerEvaluator(evaluators, limits.maxDepth, (name) => this.checkOne(name));
  }

  /** Checks one evaluator (and those it uses) unless done; undefined while it is being checked. */
  summary(name: string): EvaluatorSummary | undefined {
    return this.summaries.get(name);
  }

  /** The cycle a `$ref` to `name` closes. */
  cycleTo(name: string): string[] {
    return this.summaries.cycleTo(name);
  }

  private checkOne(name: string): EvaluatorSummary {
    const logic = this.evaluators[name];
    const walk = new Walk(pointer('/$evaluators', name), '', this, undefined, this.errors);
    const before = this.errors.length;
    const pure = visit(logic, true, walk);
    if (pure && isOperation(logic)) computeOnce(logic, walk);
    return { pure, clean: walk.clean && this.errors.length === before, depth: walk.deepest };
  }
}

class Walk {
  readonly segments: Array<string | number> = [];
  depth = 0;
  /** The deepest level reached, `$ref`s included. */
  deepest = 0;
  /** Whether every evaluator named is free of problems and of cycles. */
  clean = true;
  readonly maxDepth: number;
  /** Evaluators whose result positions were checked against this flag's variants. */
  private resultsChecked: Set<string> | undefined;

  constructor(
    private readonly root: string,
    readonly flagKey: string,
    readonly checks: EvaluatorChecks,
    readonly variants: Readonly<Record<string, unknown>> | undefined,
    readonly errors: ValidationError[],
  ) {
    this.maxDepth = checks.limits.maxDepth;
  }

  fail(message: string, ...extra: Array<string | number>): void {
    let path = this.root;
    for (const segment of this.segments) path = pointer(path, segment);
    for (const segment of extra) path = pointer(path, segment);
    this.errors.push({ path, message });
  }

  /** Visits `node` below `segment`; returns whether it is free of context reads. */
  child(segment: string | number, node: unknown, result: boolean): boolean {
    this.segments.push(segment);
    const pure = visit(node, result, this);
    this.segments.pop();
    return pure;
  }

  /** Checks the literals an evaluator can return against this flag's variants, once per flag. */
  checkResults(name: string, depth: number): void {
    const checked = (this.resultsChecked ??= new Set());
    if (checked.has(name)) return;
    checked.add(name);
    visitResults(this.checks.evaluators[name], this, depth);
  }
}

function isOperation(node: unknown): node is Record<string, unknown> {
  return (
    node !== null &&
    typeof node === 'object' &&
    !Array.isArray(node) &&
    Object.keys(node).length > 0
  );
}

/** A literal the targeting can return must name a variant. */
function checkResult(value: unknown, walk: Walk): void {
  const { variants } = walk;
  if (variants === undefined || value === null) return;
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return;
  const name = String(value);
  if (!Object.prototype.hasOwnProperty.call(variants, name)) {
    const names = Object.keys(variants)
      .map((v) => JSON.stringify(v))
      .join(', ');
    walk.fail(
      `targeting can choose variant "${name}", which this flag does not define; use one of ${names} (or null for the default variant)`,
    );
  }
}

function checkFractional(args: unknown, result: boolean, walk: Walk): void {
  if (!Array.isArray(args)) return;
  const first = args[0];
  // A leading string or expression, rather than a bucket, is the value to bucket by.
  const bucketBy = typeof first === 'string' || isOperation(first);
  if (bucketBy) walk.child(0, first, false);
  let total = 0;
  let allKnown = true;
  for (let index = bucketBy ? 1 : 0; index < args.length; index++) {
    const entry = args[index];
    if (isOperation(entry)) {
      allKnown = false;
      walk.child(index, entry, false);
      continue;
    }
    if (!Array.isArray(entry) || entry.length === 0 || entry.length > 2) {
      walk.fail('a fractional bucket is [variant, weight]', index);
      continue;
    }
    walk.segments.push(index);
    walk.child(0, entry[0], result);
    const weight = entry.length === 2 ? entry[1] : 1;
    if (typeof weight === 'number') {
      if (!Number.isInteger(weight) || weight < 0) {
        walk.fail(`weight ${weight} is not allowed; weights are whole numbers of 0 or more`, 1);
      }
      total += Math.max(0, weight);
    } else {
      allKnown = false;
      walk.child(1, weight, false);
    }
    walk.segments.pop();
  }
  if (allKnown && total === 0)
    walk.fail('every fractional weight is 0; give at least one bucket a weight above 0');
  if (total > MAX_TOTAL_WEIGHT)
    walk.fail(`fractional weights add up to more than ${MAX_TOTAL_WEIGHT}`);
}

/** Literal operands of arithmetic are checked once, here, as they would be at compile time. */
function checkArithmetic(operator: string, args: unknown[], walk: Walk): void {
  args.forEach((arg, index) => {
    if (
      Array.isArray(arg) ||
      (arg !== null && typeof arg === 'object' && Object.keys(arg).length === 0)
    ) {
      walk.fail(`"${operator}" cannot compute with an array or an empty object`, index);
    } else if (typeof arg === 'string' && Number.isNaN(+arg)) {
      walk.fail(`"${operator}" cannot compute with "${arg}", which is not a number`, index);
    } else if (
      operator === '/' &&
      (index > 0 || args.length === 1) &&
      (arg === 0 || (typeof arg === 'string' && +arg === 0))
    ) {
      walk.fail('division by zero', index);
    }
  });
}

function checkShape(operator: string, args: unknown, walk: Walk): void {
  const list = Array.isArray(args) ? args : undefined;
  if (ARRAY_ARGUMENTS.has(operator) && !list)
    walk.fail(`"${operator}" takes an array of arguments`);
  if (operator === 'missing_some' && isOperation(args))
    walk.fail('"missing_some" takes [minimum, [keys]]');
  const arity = ARITY[operator];
  if (arity !== undefined && list?.length !== arity)
    walk.fail(`"${operator}" takes ${arity} arguments`);
  const minimum = MIN_ARGUMENTS[operator];
  if (minimum !== undefined && (list?.length ?? 1) < minimum) {
    walk.fail(`"${operator}" takes at least ${minimum} argument${minimum > 1 ? 's' : ''}`);
  }
  if (ARITHMETIC.has(operator) && list) checkArithmetic(operator, list, walk);
  if (
    operator === 'sem_ver' &&
    list &&
    typeof list[1] === 'string' &&
    !SEM_VER_OPERATORS.has(list[1])
  ) {
    walk.fail(
      `unknown sem_ver comparison "${list[1]}"; use one of ${[...SEM_VER_OPERATORS].join(' ')}`,
      1,
    );
  }
}

function visitReference(name: unknown, result: boolean, walk: Walk): boolean {
  const { checks } = walk;
  if (typeof name !== 'string' || !hasOwn.call(checks.evaluators, name)) {
    walk.fail(`"$ref" names an evaluator that is not in "$evaluators": ${JSON.stringify(name)}`);
    return false;
  }
  const summary = checks.summary(name);
  if (summary === undefined) {
    walk.clean = false;
    walk.fail(`"$ref" cycle: ${checks.cycleTo(name).join(' -> ')}`);
    return false;
  }
  if (result && walk.variants !== undefined) walk.checkResults(name, walk.depth);
  // The evaluator's own problems were reported under "/$evaluators"; what is left is where it is used.
  if (!summary.clean) {
    walk.clean = false;
    return false;
  }
  const reached = walk.depth + summary.depth;
  if (reached > walk.deepest) walk.deepest = reached;
  if (reached > walk.maxDepth) {
    walk.fail(`targeting is nested deeper than ${walk.maxDepth} levels`);
    return false;
  }
  return summary.pure;
}

/** The literals a rule can return, through `if` branches, `fractional` buckets and `$ref`s. */
function visitResults(node: unknown, walk: Walk, depth: number): void {
  if (node === null || typeof node !== 'object') {
    checkResult(node, walk);
    return;
  }
  if (Array.isArray(node) || depth >= walk.maxDepth) return;
  const keys = Object.keys(node);
  if (keys.length !== 1) return;
  const operator = keys[0];
  const args = (node as Record<string, unknown>)[operator];
  walk.segments.push(operator);
  if (operator === REF_KEY) {
    if (typeof args === 'string' && hasOwn.call(walk.checks.evaluators, args))
      walk.checkResults(args, depth + 1);
  } else if ((operator === 'if' || operator === '?:') && Array.isArray(args)) {
    for (let index = 0; index < args.length; index++) {
      if (index % 2 === 0 && index !== args.length - 1) continue;
      walk.segments.push(index);
      visitResults(args[index], walk, depth + 1);
      walk.segments.pop();
    }
  } else if (operator === 'fractional' && Array.isArray(args)) {
    const first = args[0];
    for (
      let index = typeof first === 'string' || isOperation(first) ? 1 : 0;
      index < args.length;
      index++
    ) {
      const entry = args[index];
      if (!Array.isArray(entry) || entry.length === 0 || entry.length > 2) continue;
      walk.segments.push(index, 0);
      visitResults(entry[0], walk, depth + 2);
      walk.segments.length -= 2;
    }
  }
  walk.segments.pop();
}

function visitOperation(operator: string, args: unknown, result: boolean, walk: Walk): boolean {
  walk.segments.push(operator);
  const pure = visitArguments(operator, args, result, walk);
  walk.segments.pop();
  return pure;
}

function visitArguments(operator: string, args: unknown, result: boolean, walk: Walk): boolean {
  if (operator === REF_KEY) return visitReference(args, result, walk);
  if (!OPERATORS.has(operator)) {
    walk.fail(`unknown operation "${operator}"; see the supported operations in the README`);
    return false;
  }
  checkShape(operator, args, walk);
  if (operator === 'fractional') {
    checkFractional(args, result, walk);
    return false;
  }
  let pure = !CONTEXT_OPERATORS.has(operator);
  if (!Array.isArray(args)) {
    return isOperation(args) ? visit(args, false, walk) && pure : pure;
  }
  const branches = operator === 'if' || operator === '?:';
  // Indexes of arguments made only of literals; allocated only when there are some.
  let pureParts: number[] | undefined;
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    const argResult = branches && result && (index % 2 === 1 || index === args.length - 1);
    const before = walk.errors.length;
    const argPure = walk.child(index, arg, argResult);
    if (argPure && walk.errors.length === before && isOperation(arg))
      (pureParts ??= []).push(index);
    pure = pure && argPure;
  }
  // A part made only of literals is computed at compile time: compute it now to report its error.
  if (!pure && pureParts) for (const index of pureParts) computeOnce(args[index], walk, index);
  return pure;
}

function computeOnce(logic: unknown, walk: Walk, ...extra: Array<string | number>): void {
  const { checks } = walk;
  // A part over the node limit is refused as such, in its flag; computing it could take as long.
  if (checks.costs.measure(logic).nodes > checks.limits.maxNodes) return;
  try {
    compileTargeting(logic, {
      ...checks.limits,
      flagKey: walk.flagKey,
      evaluators: checks.evaluators,
      costs: checks.costs,
      references: checks.references,
    });
  } catch (error) {
    walk.fail(
      `this part is computed when the flag loads and fails: ${(error as Error)?.message ?? String(error)}`,
      ...extra,
    );
  }
}

function visit(node: unknown, result: boolean, walk: Walk): boolean {
  if (node === null || typeof node !== 'object') {
    if (result) checkResult(node, walk);
    return true;
  }
  if (++walk.depth > walk.deepest) walk.deepest = walk.depth;
  if (walk.depth > walk.maxDepth) {
    walk.depth--;
    walk.fail(`targeting is nested deeper than ${walk.maxDepth} levels`);
    return false;
  }
  let pure = true;
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) pure = walk.child(i, node[i], false) && pure;
  } else {
    const keys = Object.keys(node);
    if (keys.length > 1) {
      walk.fail(`an operation is an object with exactly one key; found ${keys.join(', ')}`);
      pure = false;
    } else if (keys.length === 1) {
      pure = visitOperation(keys[0], (node as Record<string, unknown>)[keys[0]], result, walk);
    }
  }
  walk.depth--;
  return pure;
}

/**
 * Checks one flag's targeting and reports problems into `errors`, each with a JSON pointer below
 * `path`; the evaluators it uses are looked up in `checks`.
 * @internal
 */
export function checkTargeting(
  targeting: unknown,
  path: string,
  options: {
    flagKey: string;
    variants: Readonly<Record<string, unknown>>;
    checks: EvaluatorChecks;
  },
  errors: ValidationError[],
): void {
  const walk = new Walk(path, options.flagKey, options.checks, options.variants, errors);
  if (visit(targeting, true, walk) && isOperation(targeting)) computeOnce(targeting, walk);
}
