import type { CompiledNode } from './compiled-node';
import type { FlagCompilation } from './flag-compilation';

/** What the compiler knows about where a piece of targeting sits. @internal */
export interface CompileScope {
  readonly flagKey: string;
  /** Inside the logic of `map`, `filter`, `reduce`, `all`, `some` or `none`. */
  readonly insideIteration: boolean;
  /**
   * Inside an `if` of one or two arguments. flagd's reference interprets such an `if` instead of
   * compiling it, and its interpreter coerces differently in comparisons, `var`, `!` and `cat`.
   */
  readonly interpreted: boolean;
  readonly evaluators: Readonly<Record<string, unknown>>;
  /**
   * Errors of constant parts, shared by the whole compilation. They make the flag invalid only
   * if the part is used by a rule that reads the context; a constant rule around them may never
   * evaluate them (`{"if": [false, <error>, "on"]}`).
   */
  readonly failures: unknown[];
  /** Names of the `$ref`s being expanded, to refuse cycles. */
  readonly expanding: readonly string[];
  readonly depth: number;
  readonly maxDepth: number;
  /** What the whole compilation of one flag shares: compiled `$ref`s, the iteration meter. */
  readonly compilation: FlagCompilation;
  compile(logic: unknown, scope?: CompileScope): CompiledNode;
}

/** The compiler of one operation: receives the operation's raw arguments. @internal */
export type OperatorCompiler = (args: unknown, scope: CompileScope) => CompiledNode;
