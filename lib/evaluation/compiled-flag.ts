import type { FlagMetadata, FlagValue, FlagValueType } from './evaluation.types';
import type { Rule } from './targeting/compiled-node';
import { compileTargeting } from './targeting/compile-targeting';
import { type RuleCosts, type RuleLimits, firstBreach, withinLimits } from './targeting/rule-cost';
import { pointer } from './validation-error';

const hasOwn = Object.prototype.hasOwnProperty;

/** What every flag of one flag set shares for compiling its targeting. @internal */
export interface SharedCompileOptions extends RuleLimits {
  readonly evaluators: Readonly<Record<string, unknown>>;
  /** What the evaluators cost, measured once for the flag set. */
  readonly costs: RuleCosts;
}

/** The `typeof` every value has, when they have one and it is a flag value's; else undefined. */
function sharedType(variants: Readonly<Record<string, FlagValue>>): FlagValueType | undefined {
  let shared: string | undefined;
  for (const name in variants) {
    if (!hasOwn.call(variants, name)) continue;
    const type = typeof variants[name];
    if (shared === undefined) shared = type;
    else if (type !== shared) return undefined;
  }
  return shared === 'boolean' || shared === 'string' || shared === 'number' || shared === 'object'
    ? shared
    : undefined;
}

/**
 * What an observer of evaluations keeps on a flag ({@link CompiledFlag.observerSlot}): whose it
 * is comes with it, so that two observers never take each other's state for their own.
 * @internal
 */
export interface ObserverSlot {
  readonly owner: object;
}

/** Why a flag cannot be served: it evaluates to PARSE_ERROR. @internal */
export class TargetingFailure {
  constructor(readonly message: string) {}
}

/**
 * One flag, ready to evaluate. Targeting is compiled on first use: a flag set of thousands of
 * flags loads fast, and only the flags an application evaluates hold compiled closures. Fields
 * are few on purpose: a snapshot holds one of these per flag.
 * @internal
 */
export class CompiledFlag {
  /**
   * The targeting as JSON text until compiled (text is several times smaller than parsed JSON),
   * then the rule, or why the flag cannot be served.
   */
  private targeting: string | Rule | TargetingFailure | undefined;
  /** The value of the default variant, looked up once. */
  private readonly defaultValue: FlagValue | undefined;
  /**
   * The type of every variant's value, when they share one (always, once validated strictly):
   * checking a value's type is then a comparison the compiler can fold.
   */
  readonly valueType: FlagValueType | undefined;
  /**
   * One observer's state for this flag, tagged with the observer that owns it: usage counting
   * keeps its tally here, which saves a lookup by key on every evaluation. The first observer to
   * claim it keeps it; another that finds it taken keeps its state elsewhere. The engine never
   * reads it.
   */
  observerSlot: ObserverSlot | undefined = undefined;

  constructor(
    readonly key: string,
    readonly enabled: boolean,
    readonly variants: Readonly<Record<string, FlagValue>>,
    readonly defaultVariant: string | undefined,
    readonly metadata: FlagMetadata,
    /** Its targeting as JSON text, compiled on first use; or why it cannot be served. */
    targeting: string | TargetingFailure | undefined,
  ) {
    this.targeting = targeting;
    this.defaultValue = defaultVariant === undefined ? undefined : this.lookup(defaultVariant);
    this.valueType = sharedType(variants);
  }

  /** The value of a variant, undefined when the flag has no variant of that name. */
  valueOf(variant: string): FlagValue | undefined {
    return variant === this.defaultVariant ? this.defaultValue : this.lookup(variant);
  }

  /**
   * The compiled targeting (compiling it on first use); undefined when the flag has none. Small
   * enough to be inlined wherever it is called: compiling is out of line.
   */
  rule(shared: SharedCompileOptions): Rule | TargetingFailure | undefined {
    const targeting = this.targeting;
    return typeof targeting === 'string' ? this.compileFirst(targeting, shared) : targeting;
  }

  /**
   * Compiles targeting already parsed, for a flag made from its definition on first use: keeping
   * it as text first would only stringify what is about to be parsed again.
   */
  compileNow(logic: unknown, shared: SharedCompileOptions): void {
    this.targeting = this.compile(logic, shared);
  }

  private compileFirst(source: string, shared: SharedCompileOptions): Rule | TargetingFailure {
    const rule = this.compileText(source, shared);
    this.targeting = rule;
    return rule;
  }

  private lookup(variant: string): FlagValue | undefined {
    return hasOwn.call(this.variants, variant) ? this.variants[variant] : undefined;
  }

  private compileText(source: string, shared: SharedCompileOptions): Rule | TargetingFailure {
    let logic: unknown;
    try {
      logic = JSON.parse(source);
    } catch (error) {
      return this.failure((error as Error)?.message ?? String(error));
    }
    return this.compile(logic, shared);
  }

  /**
   * The limits are checked here, before compiling, whether or not the set was validated: a flag
   * loaded leniently from storage must not be able to take the process down on first use.
   */
  private compile(logic: unknown, shared: SharedCompileOptions): Rule | TargetingFailure {
    try {
      const cost = shared.costs.measure(logic);
      if (!withinLimits(cost, shared)) {
        const path = pointer(pointer('/flags', this.key), 'targeting');
        const breach = firstBreach(logic, cost, shared.costs, path);
        if (breach !== undefined) return this.failure(`${breach.path}: ${breach.message}`);
      }
      return compileTargeting(logic, { ...shared, flagKey: this.key });
    } catch (error) {
      return this.failure((error as Error)?.message ?? String(error));
    }
  }

  private failure(message: string): TargetingFailure {
    return new TargetingFailure(`Invalid targeting in flag "${this.key}": ${message}`);
  }
}
