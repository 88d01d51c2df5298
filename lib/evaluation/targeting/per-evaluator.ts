import { referencesIn } from './references-in';

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * Something learnt about each evaluator of a flag set once, dependencies first: when an
 * evaluator's result is computed, those of the evaluators it references are known (or, for one
 * that references an evaluator being computed, that is a cycle). The walk keeps a stack of its
 * own, as a chain of thousands of evaluators is legal JSON, and leaves nothing marked as in
 * progress when a computation throws.
 * @internal
 */
export class PerEvaluator<T> {
  private readonly results = new Map<string, T>();
  private readonly inProgress = new Set<string>();
  /** The evaluators being computed, dependents first: a `$ref` to one of them is a cycle. */
  private readonly path: string[] = [];

  constructor(
    private readonly evaluators: Readonly<Record<string, unknown>>,
    /** How deep references are looked for in an evaluator. */
    private readonly maxDepth: number,
    private readonly compute: (name: string) => T,
  ) {}

  /** The result for `name`, computed now if need be; undefined while it is being computed. */
  get(name: string): T | undefined {
    if (!this.results.has(name) && !this.inProgress.has(name)) this.computeFrom(name);
    return this.results.get(name);
  }

  /** The result for `name` if already computed. */
  known(name: string): T | undefined {
    return this.results.get(name);
  }

  isInProgress(name: string): boolean {
    return this.inProgress.has(name);
  }

  /** The cycle a `$ref` to `name` closes, from `name` back to it. */
  cycleTo(name: string): string[] {
    return [...this.path.slice(this.path.indexOf(name)), name];
  }

  private computeFrom(root: string): void {
    const stack = [this.start(root)];
    try {
      while (stack.length > 0) {
        const top = stack[stack.length - 1];
        if (top.next < top.names.length) {
          const name = top.names[top.next++];
          const pending = !this.results.has(name) && !this.inProgress.has(name);
          if (pending && hasOwn.call(this.evaluators, name)) stack.push(this.start(name));
          continue;
        }
        stack.pop();
        this.results.set(top.name, this.compute(top.name));
        this.inProgress.delete(top.name);
        this.path.pop();
      }
    } finally {
      for (const { name } of stack) this.inProgress.delete(name);
      this.path.length -= stack.length;
    }
  }

  private start(name: string): { name: string; names: string[]; next: number } {
    this.inProgress.add(name);
    this.path.push(name);
    return { name, names: referencesIn(this.evaluators[name], this.maxDepth), next: 0 };
  }
}
