import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { EvaluationContext } from '../evaluation';
import type { Resolution } from '../evaluation/evaluate';
import type { ResolvedEventOptions } from './event-options';
import { EVENT_OPTIONS } from './flags.constants';
import { FlagsConfigurationError } from './flags-configuration.error';
import { FLAG_EVALUATION_EVENT, type FlagEvaluationEvent } from './flag-evaluation.event';

interface EventEmitterLike {
  emit(event: string, payload: unknown): unknown;
}

/** Events waiting for delivery at most: past it, events are dropped (and counted), not queued. */
const MAX_QUEUED = 10_000;

/**
 * Hands evaluations to the `onEvaluation` listener and `@nestjs/event-emitter`. The evaluation
 * only queues an event; listeners run later, in one batch per turn of the event loop, so they
 * can neither slow an evaluation down nor make it fail.
 * @internal
 */
@Injectable()
export class EvaluationEvents implements OnModuleInit {
  /** Whether any evaluation is passed on: false unless a listener or the emitter is configured. */
  readonly enabled: boolean;
  private readonly listeners: Array<(event: FlagEvaluationEvent) => void> = [];
  private queue: FlagEvaluationEvent[] = [];
  private scheduled = false;
  private droppedEvents = 0;
  private readonly logger = new Logger('FlagsModule');

  constructor(
    @Inject(EVENT_OPTIONS) private readonly options: ResolvedEventOptions,
    private readonly moduleRef: ModuleRef,
  ) {
    if (options.onEvaluation !== undefined) this.listeners.push(options.onEvaluation);
    this.enabled = (options.onEvaluation !== undefined || options.emit) && options.sampleRate > 0;
  }

  onModuleInit(): void {
    if (!this.options.emit) return;
    const emitter = this.eventEmitter();
    this.listeners.push((event) => emitter.emit(FLAG_EVALUATION_EVENT, event));
  }

  /**
   * Queues the event of an evaluation that just ran. `EvaluationObserver` calls it for the
   * evaluations sampled only: it draws once for the events and the trace.
   */
  evaluated(key: string, resolution: Resolution, context: EvaluationContext | undefined): void {
    if (this.queue.length >= MAX_QUEUED) {
      this.droppedEvents++;
      return;
    }
    const targetingKey = context?.targetingKey;
    const event: FlagEvaluationEvent = {
      flagKey: key,
      variant: resolution.variant,
      reason: resolution.reason,
      targetingKey: typeof targetingKey === 'string' ? targetingKey : undefined,
      timestamp: Date.now(),
    };
    if (resolution.errorCode !== undefined) event.errorCode = resolution.errorCode;
    this.queue.push(event);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.deliver());
    }
  }

  /** Events dropped because listeners fell more than {@link MAX_QUEUED} events behind. */
  get dropped(): number {
    return this.droppedEvents;
  }

  private deliver(): void {
    const events = this.queue;
    this.queue = [];
    this.scheduled = false;
    for (const listener of this.listeners) {
      let failures = 0;
      let firstError: unknown;
      for (const event of events) {
        try {
          listener(event);
        } catch (error) {
          if (failures++ === 0) firstError = error;
        }
      }
      if (failures > 0) {
        this.logger.warn(
          `An evaluation event listener threw for ${failures} of ${events.length} events ` +
            `(first: ${(firstError as Error)?.message ?? String(firstError)}); evaluations are ` +
            'unaffected. Catch errors inside the listener.',
        );
      }
    }
  }

  private eventEmitter(): EventEmitterLike {
    let token: unknown;
    try {
      // An optional peer: loaded only when the option asks for it.
      token = require('@nestjs/event-emitter').EventEmitter2;
    } catch {
      token = undefined;
    }
    let emitter: EventEmitterLike | undefined;
    try {
      if (token !== undefined) emitter = this.moduleRef.get(token as never, { strict: false });
    } catch {
      emitter = undefined;
    }
    if (emitter === undefined || typeof emitter.emit !== 'function') {
      throw new FlagsConfigurationError(
        'events.emit needs @nestjs/event-emitter: install it and import ' +
          'EventEmitterModule.forRoot() in the application module, or pass events.onEvaluation instead.',
      );
    }
    return emitter;
  }
}
