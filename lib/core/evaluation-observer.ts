import { Inject, Injectable } from '@nestjs/common';
import type { EvaluationContext } from '../evaluation';
import type { Resolution } from '../evaluation/resolution-record';
import { COUNTING } from './flags.constants';
import { EvaluationEvents } from './evaluation-events';
import { UsageCounter } from './usage-counter';

/**
 * What happens after every evaluation, whoever ran it (`FlagService`, the guard, the OpenFeature
 * provider): the usage count, and the evaluation event when one is asked for.
 * @internal
 */
@Injectable()
export class EvaluationObserver {
  private readonly publishing: boolean;

  constructor(
    @Inject(COUNTING) private readonly counting: boolean,
    private readonly counter: UsageCounter,
    private readonly events: EvaluationEvents,
  ) {
    this.publishing = events.enabled;
  }

  /**
   * After an evaluation, with how it went: a result, or the record its caller gave the engine
   * (which names the flag evaluated, so counting it needs no lookup by key). Read at once: the
   * record is the caller's, and the next evaluation reuses it.
   */
  resolved(key: string, resolution: Resolution, context: EvaluationContext | undefined): void {
    if (this.counting) this.counter.count(key, resolution.variant, resolution.flag);
    if (this.publishing) this.events.evaluated(key, resolution, context);
  }
}
