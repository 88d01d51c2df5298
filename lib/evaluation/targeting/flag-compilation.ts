import type { CompiledNode } from './compiled-node';
import { IterationMeter } from './iteration-meter';
import { RuleCosts, type RuleLimits } from './rule-cost';

/**
 * A `$ref` compiled once in one way (inside an iteration or not, interpreted or not), reused at
 * every use: what it compiled to or threw, the errors of its constant parts, and how many levels
 * it reaches below the `$ref`, so that each use can check the depth limit from where it stands.
 * @internal
 */
export interface CompiledReference {
  readonly node: CompiledNode | undefined;
  readonly failed: boolean;
  readonly error: unknown;
  readonly failures: readonly unknown[];
  readonly depth: number;
}

/** Compiled `$ref`s by way of compiling (see `wayOf`) and name; maps are made on first use. @internal */
export class CompiledReferences {
  private readonly byWay: Array<Map<string, CompiledReference> | undefined> = [];

  get(way: number, name: string): CompiledReference | undefined {
    return this.byWay[way]?.get(name);
  }

  set(way: number, name: string, reference: CompiledReference): void {
    (this.byWay[way] ??= new Map()).set(name, reference);
  }
}

/** The ways a `$ref` compiles differently: interpreted or not, inside an iteration or not. @internal */
export function wayOf(interpreted: boolean, insideIteration: boolean): number {
  return (interpreted ? 2 : 0) + (insideIteration ? 1 : 0);
}

/**
 * What one compilation shares across its scopes. Nothing here outlives the compiled rule or is
 * shared between flags, except the `references` strict validation passes for parts free of context
 * reads (which compile the same for every flag), and the flag set's costs.
 * @internal
 */
export class FlagCompilation {
  /** The deepest level compiled since the `$ref` being compiled started. */
  deepest = 0;
  /** The evaluators being scanned for context reads, to name a cycle. */
  readonly reading: string[] = [];
  private compiledReferences: CompiledReferences | undefined;
  private evaluatorReads: Map<string, boolean | null> | undefined;
  private iterationMeter: IterationMeter | undefined;
  private ruleCosts: RuleCosts | undefined;

  constructor(
    private readonly evaluators: Readonly<Record<string, unknown>>,
    private readonly limits: RuleLimits,
    costs?: RuleCosts,
    references?: CompiledReferences,
  ) {
    this.ruleCosts = costs;
    this.compiledReferences = references;
  }

  get references(): CompiledReferences {
    return (this.compiledReferences ??= new CompiledReferences());
  }

  /** Whether an evaluator reads the context; null while it is being scanned (a cycle). */
  get contextReads(): Map<string, boolean | null> {
    return (this.evaluatorReads ??= new Map());
  }

  /** The rule's meter, once an iteration over an array that is not a literal needs one. */
  meter(): IterationMeter {
    return (this.iterationMeter ??= new IterationMeter(this.limits.maxNodes));
  }

  get meterInUse(): IterationMeter | undefined {
    return this.iterationMeter;
  }

  /** What evaluating `logic` once costs, `$ref`s expanded. */
  costOf(logic: unknown): number {
    this.ruleCosts ??= new RuleCosts(this.evaluators, this.limits);
    return this.ruleCosts.measure(logic).nodes;
  }
}
