import { pointer } from '../validation-error';
import { formatCount } from './format-count';
import { PerEvaluator } from './per-evaluator';
import { REF_KEY } from './reference';

/*
 * What a flag's targeting costs to evaluate, known before it is compiled: `$ref` is counted as the
 * whole evaluator it names at every use (a few kilobytes sharing evaluators through `$ref` can
 * stand for millions of nodes), and the body of an iteration over a literal array once per element.
 * Each evaluator is measured once per `RuleCosts`, its dependencies first and without recursion,
 * so measuring takes time linear in the document whatever it expands to; figures saturate.
 * Measuring only counts; where something is over a limit, a second, detailed walk finds where.
 */

/** The limits one flag's targeting keeps to. @internal */
export interface RuleLimits {
  readonly maxDepth: number;
  readonly maxNodes: number;
  readonly maxStringLength: number;
  readonly maxArrayLength: number;
  readonly maxBuckets: number;
}

/** A literal over a limit: in an evaluator, or (evaluator undefined) in the rule measured. @internal */
export interface CostProblem {
  readonly evaluator: string | undefined;
  readonly segments: ReadonlyArray<string | number>;
  readonly message: string;
}

/** Where a rule's cost concentrates: a `$ref`, or an iteration over a literal array. @internal */
export interface CostSite {
  readonly segments: ReadonlyArray<string | number>;
  readonly nodes: number;
  readonly what: string;
}

/** What a rule costs to evaluate, and whether it breaks a limit on the way. @internal */
export interface RuleCost {
  /** Nodes evaluated, `$ref`s expanded and literal iterations multiplied out. */
  readonly nodes: number;
  /**
   * The deepest nesting, `$ref`s expanded, every JSON level counted: no less than validation and
   * the compiler count, which skip the arrays holding an operation's arguments.
   */
  readonly depth: number;
  /** Whether a literal of the rule itself is over a limit. */
  readonly flawed: boolean;
  /** The first evaluator named with a literal over a limit, in it or in the evaluators it uses. */
  readonly flawedReference: string | undefined;
  /** A `$ref` cycle on the way, which makes the figures meaningless. */
  readonly cycle: readonly string[] | undefined;
}

/** What an evaluator costs at each use, as measured once. @internal */
export interface EvaluatorCost extends RuleCost {
  /** The costliest evaluator it names itself. */
  readonly heaviestReference: number;
}

/**
 * How deep a walk goes. The compiler counts the levels of operations but not always of their
 * argument arrays, so a part can sit up to twice `maxDepth` levels down in the JSON and still
 * compile; nothing further down can.
 */
function walkLimit(limits: RuleLimits): number {
  return 2 * limits.maxDepth + 1;
}

/** Figures stop growing here: well past any limit, and still exact integers. @internal */
export const MAX_COST = Number.MAX_SAFE_INTEGER;

/** A string costs one node more per this many characters: copying one through `$ref` costs what it is. */
const CHARACTERS_PER_NODE = 64;
/** Never written to: only detailed walks record problems and paths. */
const NOTHING: never[] = [];
const ITERATIONS: ReadonlySet<string> = new Set(['map', 'filter', 'reduce', 'all', 'some', 'none']);
const hasOwn = Object.prototype.hasOwnProperty;

/*
 * Figures are added as plain doubles (a sum of finite figures below MAX_COST stays finite and
 * loses at most precision it no longer needs) and capped where they are kept or multiplied.
 */
function saturated(figure: number): number {
  return figure > MAX_COST ? MAX_COST : figure;
}

function times(a: number, b: number): number {
  return saturated(a * b);
}

function isOperation(node: unknown): boolean {
  return (
    node !== null &&
    typeof node === 'object' &&
    !Array.isArray(node) &&
    Object.keys(node).length > 0
  );
}

/**
 * One walk over a rule or an evaluator's own logic; evaluators it names come from the memo. A
 * detailed walk also keeps the path, to say where literals over a limit are and where the cost
 * concentrates.
 */
class Measure {
  deepest = 0;
  heaviestReference = 0;
  flawed = false;
  flawedReference: string | undefined;
  cycle: readonly string[] | undefined;
  heaviest: CostSite | undefined;
  readonly problems: CostProblem[];
  private readonly segments: Array<string | number>;
  private readonly walkLimit: number;

  constructor(
    private readonly costs: RuleCosts,
    private readonly limits: RuleLimits,
    private readonly evaluator: string | undefined,
    private readonly detailed: boolean,
  ) {
    this.walkLimit = walkLimit(limits);
    // A quick walk, once per flag loaded, allocates nothing it does not need.
    this.problems = detailed ? [] : NOTHING;
    this.segments = detailed ? [] : NOTHING;
  }

  node(value: unknown, depth: number): number {
    if (value === null || typeof value !== 'object') {
      return typeof value === 'string' ? this.text(value) : 1;
    }
    if (Array.isArray(value)) return this.list(value, depth, 1);
    const level = this.enter(depth);
    if (level < 0) return 1;
    const object = value as Record<string, unknown>;
    // for-in rather than Object.keys: no array allocated per object of every rule measured.
    let only: string | undefined;
    let count = 0;
    for (const key in object) {
      if (!hasOwn.call(object, key)) continue;
      only = key;
      if (++count > 1) break;
    }
    if (count === 1) return 1 + this.operation(only as string, object[only as string], level);
    let nodes = 1;
    for (const key in object) {
      if (!hasOwn.call(object, key)) continue;
      if (this.detailed) this.segments.push(key);
      nodes += this.node(object[key], level);
      if (this.detailed) this.segments.pop();
    }
    return nodes;
  }

  /** The arguments of what reads as an operation, and the evaluators it names. */
  private operation(operator: string, args: unknown, level: number): number {
    if (this.detailed) this.segments.push(operator);
    let nodes: number;
    if (operator === REF_KEY && typeof args === 'string') {
      nodes = this.reference(args, level);
    } else if (Array.isArray(args)) {
      if (operator === 'fractional') this.buckets(args);
      const over = Array.isArray(args[0]) && ITERATIONS.has(operator) ? args[0].length : 0;
      nodes = this.list(args, level, over > 1 ? over : 1);
      if (over > 1 && this.detailed) {
        this.consider(1 + nodes, () => `"${operator}" over ${formatCount(over)} elements`);
      }
    } else {
      nodes = this.node(args, level);
    }
    if (this.detailed) this.segments.pop();
    return nodes;
  }

  /** The level of a node below `depth`, or -1 where no compilation can reach (not walked). */
  private enter(depth: number): number {
    const level = depth + 1;
    if (level > this.deepest) this.deepest = level;
    return level > this.walkLimit ? -1 : level;
  }

  /** An array; its element 1 (an iteration's body) counts `bodyTimes` times. */
  private list(items: readonly unknown[], depth: number, bodyTimes: number): number {
    const level = this.enter(depth);
    if (level < 0) return 1;
    if (items.length > this.limits.maxArrayLength) {
      this.flaw(
        () =>
          `an array of ${formatCount(items.length)} elements is more than the limit of ${formatCount(this.limits.maxArrayLength)} (maxArrayLength); split the list across rules, or use a shorter one`,
      );
    }
    let nodes = 1;
    for (let i = 0; i < items.length; i++) {
      if (this.detailed) this.segments.push(i);
      const item = this.node(items[i], level);
      nodes += i === 1 && bodyTimes > 1 ? times(bodyTimes, item) : item;
      if (this.detailed) this.segments.pop();
    }
    return nodes;
  }

  private text(value: string): number {
    if (value.length > this.limits.maxStringLength) {
      this.flaw(
        () =>
          `a string of ${formatCount(value.length)} characters is more than the limit of ${formatCount(this.limits.maxStringLength)} (maxStringLength); shorten it, or match on a shorter value`,
      );
    }
    return 1 + Math.floor(value.length / CHARACTERS_PER_NODE);
  }

  private buckets(args: readonly unknown[]): void {
    const first = args[0];
    const count = args.length - (typeof first === 'string' || isOperation(first) ? 1 : 0);
    if (count > this.limits.maxBuckets) {
      this.flaw(
        () =>
          `"fractional" with ${formatCount(count)} buckets is more than the limit of ${formatCount(this.limits.maxBuckets)} (maxBuckets); use fewer buckets`,
      );
    }
  }

  /** The name, and the whole evaluator it names. */
  private reference(name: string, level: number): number {
    const cost = this.costs.evaluator(name);
    if (cost === undefined) {
      if (this.costs.isMeasuring(name)) this.cycle ??= this.costs.cycleTo(name);
      return 1;
    }
    this.cycle ??= cost.cycle;
    if (cost.flawed || cost.flawedReference !== undefined) this.flawedReference ??= name;
    const reached = level + cost.depth;
    if (reached > this.deepest) this.deepest = reached;
    if (cost.nodes > this.heaviestReference) this.heaviestReference = cost.nodes;
    const nodes = 1 + cost.nodes;
    if (this.detailed) this.consider(1 + nodes, () => `"$ref" to ${JSON.stringify(name)}`);
    return nodes;
  }

  private consider(nodes: number, what: () => string): void {
    if (this.heaviest === undefined || nodes > this.heaviest.nodes) {
      this.heaviest = { segments: [...this.segments], nodes: saturated(nodes), what: what() };
    }
  }

  private flaw(message: () => string): void {
    this.flawed = true;
    if (!this.detailed) return;
    this.problems.push({
      evaluator: this.evaluator,
      segments: [...this.segments],
      message: message(),
    });
  }
}

/**
 * Measures rules against one flag set's evaluators, each evaluator once. A flag set keeps one for
 * the lifetime of its evaluators, so that each flag's first evaluation measures only its own rule.
 * @internal
 */
export class RuleCosts {
  private readonly known: PerEvaluator<EvaluatorCost>;
  private readonly ownProblems = new Map<string, readonly CostProblem[]>();

  constructor(
    private readonly evaluators: Readonly<Record<string, unknown>>,
    readonly limits: RuleLimits,
  ) {
    this.known = new PerEvaluator(evaluators, walkLimit(limits), (name) => this.measureOne(name));
  }

  /** What a rule costs. */
  measure(logic: unknown): RuleCost {
    return this.costOf(logic, undefined);
  }

  /** The rule's own literals over a limit, with where they are. */
  problems(logic: unknown): readonly CostProblem[] {
    const measure = new Measure(this, this.limits, undefined, true);
    measure.node(logic, 0);
    return measure.problems;
  }

  /** An evaluator's own literals over a limit, with where they are. */
  evaluatorProblems(name: string): readonly CostProblem[] {
    let problems = this.ownProblems.get(name);
    if (problems === undefined) {
      const measure = new Measure(this, this.limits, name, true);
      measure.node(this.evaluators[name], 0);
      problems = measure.problems;
      this.ownProblems.set(name, problems);
    }
    return problems;
  }

  /** The first literal over a limit a rule holds, or reaches through `$ref`s. */
  firstProblem(logic: unknown, cost: RuleCost): CostProblem | undefined {
    if (cost.flawed) return this.problems(logic)[0];
    const seen = new Set<string>();
    let name = cost.flawedReference;
    while (name !== undefined && !seen.has(name)) {
      seen.add(name);
      const own = this.evaluatorProblems(name);
      if (own.length > 0) return own[0];
      name = this.known.known(name)?.flawedReference;
    }
    return undefined;
  }

  /** Where a rule's cost concentrates: its costliest `$ref` or iteration over a literal array. */
  heaviest(logic: unknown): CostSite | undefined {
    const measure = new Measure(this, this.limits, undefined, true);
    measure.node(logic, 0);
    return measure.heaviest;
  }

  /** An evaluator's cost; undefined when there is none of that name, or while it is measured. */
  evaluator(name: string): EvaluatorCost | undefined {
    if (!hasOwn.call(this.evaluators, name)) return undefined;
    return this.known.get(name);
  }

  isMeasuring(name: string): boolean {
    return this.known.isInProgress(name);
  }

  /** The cycle a `$ref` to `name` closes, from `name` back to it. */
  cycleTo(name: string): readonly string[] {
    return this.known.cycleTo(name);
  }

  private measureOne(name: string): EvaluatorCost {
    return this.costOf(this.evaluators[name], name);
  }

  /** The cost of a flag's rule, or of the evaluator `evaluator`. */
  private costOf(logic: unknown, evaluator: string | undefined): EvaluatorCost {
    const measure = new Measure(this, this.limits, evaluator, false);
    const nodes = saturated(measure.node(logic, 0));
    return {
      nodes,
      depth: measure.deepest,
      flawed: measure.flawed,
      flawedReference: measure.flawedReference,
      cycle: measure.cycle,
      heaviestReference: measure.heaviestReference,
    };
  }
}

/** A rule over a per-flag limit, as a validation error states it. @internal */
export interface LimitBreach {
  readonly path: string;
  readonly message: string;
}

function pointerBelow(base: string, segments: ReadonlyArray<string | number>): string {
  let path = base;
  for (const segment of segments) path = pointer(path, segment);
  return path;
}

function figure(nodes: number): string {
  return nodes >= MAX_COST ? `more than ${formatCount(MAX_COST)}` : formatCount(nodes);
}

/** Where a literal over a limit is, below the rule measured (`rulePath`) or its evaluator. @internal */
export function problemPath(problem: CostProblem, rulePath: string): string {
  const base =
    problem.evaluator === undefined ? rulePath : pointer('/$evaluators', problem.evaluator);
  return pointerBelow(base, problem.segments);
}

/** Whether a rule keeps to every per-flag limit: the quick test before compiling it. @internal */
export function withinLimits(cost: RuleCost, limits: RuleLimits): boolean {
  return (
    cost.nodes <= limits.maxNodes &&
    !cost.flawed &&
    cost.flawedReference === undefined &&
    cost.cycle === undefined
  );
}

/**
 * A rule over `maxNodes`, with the figure and its costliest part; the path points at that part
 * when it alone is over. Nothing when a `$ref` cycle makes the figure meaningless.
 * @internal
 */
export function nodesBreach(
  logic: unknown,
  cost: RuleCost,
  costs: RuleCosts,
  rulePath: string,
): LimitBreach | undefined {
  const { maxNodes } = costs.limits;
  if (cost.nodes <= maxNodes || cost.cycle !== undefined) return undefined;
  const heaviest = costs.heaviest(logic);
  const alone = heaviest !== undefined && heaviest.nodes > maxNodes;
  let message = `targeting expands to ${figure(cost.nodes)} nodes once every "$ref" is replaced by its evaluator and iterations over literal arrays are multiplied out; the limit for one flag is ${formatCount(maxNodes)} (maxNodes)`;
  if (heaviest !== undefined) {
    const where = alone ? 'here alone' : `at ${pointerBelow(rulePath, heaviest.segments)}`;
    message += `. ${heaviest.what} ${where} expands to ${figure(heaviest.nodes)}`;
  }
  message +=
    '. Share less through "$ref" (every use evaluates the whole evaluator), split the rule across flags, or use shorter lists';
  return { path: alone ? pointerBelow(rulePath, heaviest.segments) : rulePath, message };
}

/**
 * The first per-flag limit a rule breaks, `$ref`s followed: what a lenient load checks before
 * compiling a flag, so that no rule over a limit is ever compiled or evaluated. Depth is left to
 * the compiler, which counts it as it always has.
 * @internal
 */
export function firstBreach(
  logic: unknown,
  cost: RuleCost,
  costs: RuleCosts,
  rulePath: string,
): LimitBreach | undefined {
  if (cost.cycle !== undefined) {
    return { path: rulePath, message: `"$ref" cycle: ${cost.cycle.join(' -> ')}` };
  }
  const problem = costs.firstProblem(logic, cost);
  if (problem !== undefined)
    return { path: problemPath(problem, rulePath), message: problem.message };
  return nodesBreach(logic, cost, costs, rulePath);
}
