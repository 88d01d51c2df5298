import type { FlagMetadata, FlagValue } from './evaluation.types';
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
   * Free for whoever observes evaluations to keep state per flag: usage counting keeps its tally
   * here, which saves a lookup by key on every evaluation. The engine never reads it.
   */
  observerState: unknown = undefined;

  constructor(
    readonly key: string,
    readonly enabled: boolean,
    readonly variants: Readonly<Record<string, FlagValue>>,
    readonly defaultVariant: string | undefined,
    readonly metadata: FlagMetadata,
    targeting: string | TargetingFailure | undefined,
  ) {
    this.targeting = targeting;
    this.defaultValue = defaultVariant === undefined ? undefined : this.lookup(defaultVariant);
  }

  /** The value of a variant, undefined when the flag has no variant of that name. */
  valueOf(variant: string): FlagValue | undefined {
    return variant === this.defaultVariant ? this.defaultValue : this.lookup(variant);
  }

  /** The compiled targeting (compiling it on first use); undefined when the flag has none. */
  rule(shared: SharedCompileOptions): Rule | TargetingFailure | undefined {
    const targeting = this.targeting;
    if (typeof targeting !== 'string') return targeting;
    const rule = this.compile(targeting, shared);
    this.targeting = rule;
    return rule;
  }

  private lookup(variant: string): FlagValue | undefined {
    return hasOwn.call(this.variants, variant) ? this.variants[variant] : undefined;
  }

  /**
   * The limits are checked here, before compiling, whether or not the set was validated: a flag
   * loaded leniently from storage must not be able to take the process down on first use.
   */
  private compile(source: string, shared: SharedCompileOptions): Rule | TargetingFailure {
    try {
      const logic: unknown = JSON.parse(source);
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
