import { formatCount } from './format-count';
import { TargetingError } from './targeting-error';

/**
 * What iterations over arrays that are not literals (from the context, or computed) may evaluate
 * in one evaluation of a rule: their length is unknown until then, so they are charged as they run
 * (elements x the cost of their body), and the evaluation fails once the budget is spent instead of
 * running on. One per compiled rule, reset when the rule is entered, and before each constant part
 * the compiler computes.
 * @internal
 */
export class IterationMeter {
  private remaining: number;

  constructor(private readonly limit: number) {
    this.remaining = limit;
  }

  reset(): void {
    this.remaining = this.limit;
  }

  /** Charges `elements` runs of a body costing `bodyCost` nodes; throws once over the budget. */
  charge(elements: unknown, bodyCost: number): void {
    if (typeof elements !== 'number' || !(elements > 0)) return;
    this.remaining -= elements * bodyCost;
    if (this.remaining < 0) {
      throw new TargetingError(
        `iterations over arrays that are not literals (from the context, or computed) come to more than ${formatCount(this.limit)} nodes in one evaluation (maxNodes); pass shorter arrays, or iterate over less`,
      );
    }
  }
}
