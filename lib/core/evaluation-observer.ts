import { Inject, Injectable } from '@nestjs/common';
import type { EvaluationContext } from '../evaluation';
import { lastResolution, type Resolution } from '../evaluation/evaluate';
import { RESOLVED_FLAGS_OPTIONS } from './flags.constants';
import type { ResolvedFlagsModuleOptions } from '../flags-module-options';
import { EvaluationEvents } from './evaluation-events';
import { UsageCounter } from './usage-counter';

/**
 * What happens after every evaluation, whoever ran it (`FlagService`, the guard, the OpenFeature
 * provider): the usage count, and the evaluation event when one is asked for.
 * @internal
 */
@Injectable()
export class EvaluationObserver {
  private readonly counting: boolean;
  private readonly publishing: boolean;

  constructor(
    @Inject(RESOLVED_FLAGS_OPTIONS) options: ResolvedFlagsModuleOptions,
    private readonly counter: UsageCounter,
    private readonly events: EvaluationEvents,
  ) {
    // Metrics report the same totals, so they count even where the usage table is off.
    this.counting = options.usage || options.metrics !== false;
    this.publishing = events.enabled;
  }

  /** After a typed getter, which returned only the value: the rest is in `lastResolution()`. */
  evaluated(key: string, context: EvaluationContext | undefined): void {
    const resolution = lastResolution();
    if (this.counting) this.counter.count(key, resolution.variant, resolution.flag);
    if (this.publishing) this.events.evaluated(key, resolution, context);
  }

  /** After an evaluation that returned its whole result. */
  resolved(key: string, result: Resolution, context: EvaluationContext | undefined): void {
    if (this.counting) this.counter.count(key, result.variant);
    if (this.publishing) this.events.evaluated(key, result, context);
  }
}
