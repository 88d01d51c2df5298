import { FlagsConfigurationError } from './flags-configuration.error';
import type { FlagEvaluationEvent } from './flag-evaluation.event';
import { knownKeys, optionGroup } from './option-checks';

/**
 * Evaluations handed on as events: exposure events for A/B analysis or an analytics pipeline.
 * @publicApi
 */
export interface EventOptions {
  /**
   * Called with evaluations (flag key, variant, reason, targeting key, time) after they returned,
   * in batches, so a slow or failing listener never delays nor breaks one; a listener that
   * throws is logged.
   * @example onEvaluation: (event) => analytics.track('exposure', event)
   * @default undefined (off)
   */
  onEvaluation?: (event: FlagEvaluationEvent) => void;
  /**
   * Also publish each event as `FLAG_EVALUATION_EVENT` ('flags.evaluation') through
   * `@nestjs/event-emitter` (import its `EventEmitterModule` in the application), for
   * `@OnEvent('flags.evaluation')` handlers.
   * @default false
   */
  emit?: boolean;
  /**
   * The share of evaluations passed on, from 0 to 1.
   * @example 0.01 // one evaluation in a hundred
   * @default 1
   */
  sampleRate?: number;
}

/** The `events` options after defaults and checks. @internal */
export interface ResolvedEventOptions {
  onEvaluation?: (event: FlagEvaluationEvent) => void;
  emit: boolean;
  sampleRate: number;
}

/** @internal */
export function resolveEventOptions(value: unknown): ResolvedEventOptions {
  const group = optionGroup('events', value, '{ onEvaluation: (event) => … }');
  knownKeys('events', group, ['onEvaluation', 'emit', 'sampleRate']);
  const { onEvaluation, emit, sampleRate = 1 } = group;
  if (onEvaluation !== undefined && typeof onEvaluation !== 'function') {
    throw new FlagsConfigurationError('events.onEvaluation is a function of the event.');
  }
  if (typeof sampleRate !== 'number' || !(sampleRate >= 0 && sampleRate <= 1)) {
    throw new FlagsConfigurationError(
      `events.sampleRate is a share from 0 to 1 (0.01 for one evaluation in a hundred), got ${String(sampleRate)}.`,
    );
  }
  return {
    ...(onEvaluation === undefined
      ? {}
      : { onEvaluation: onEvaluation as ResolvedEventOptions['onEvaluation'] }),
    emit: emit === true,
    sampleRate,
  };
}
