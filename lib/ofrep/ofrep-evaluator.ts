import { Inject, Injectable, Logger } from '@nestjs/common';
import { EvaluationObserver } from '../core/evaluation-observer';
import { FlagContextStorage } from '../core/flag-context.storage';
import { FlagState } from '../core/flag-state';
import { mergeContexts } from '../core/merge-contexts';
import { type EvaluationContext, type FlagSet, evaluateFlag } from '../evaluation';
import { entityTag, noneMatch } from './entity-tag';
import { type OfrepEvaluation, notFound, ofrepEvaluation, statusOf } from './ofrep-answer';
import type { ResolvedOfrepOptions } from './ofrep-options';
import { OFREP_OPTIONS } from './ofrep.constants';

/** An answer to send: its status, and its body as JSON text (none for a 304). */
export interface OfrepReply {
  status: 200 | 304 | 400 | 404;
  body?: string;
  etag?: string;
}

/**
 * Evaluates flags for OFREP callers: only the flags `expose` selects, with the caller's context
 * under the server's, each evaluation observed (usage, metrics, events, traces) as any other.
 * @internal
 */
@Injectable()
export class OfrepEvaluator {
  private readonly logger = new Logger('FlagsModule');
  /** The exposed keys of each flag set served, worked out once per set. */
  private readonly exposed = new WeakMap<FlagSet, ReadonlySet<string>>();

  constructor(
    @Inject(OFREP_OPTIONS) private readonly options: ResolvedOfrepOptions,
    private readonly state: FlagState,
    private readonly observer: EvaluationObserver,
    private readonly ambient: FlagContextStorage,
  ) {}

  /**
   * `POST .../flags/{key}`. A key not exposed is answered before anything is evaluated or
   * counted: the keys come from callers, and counting each would let them fill the usage table.
   */
  one(key: string, sent: EvaluationContext, server: EvaluationContext): OfrepReply {
    const { flagSet } = this.state.served;
    if (!this.exposedKeys(flagSet).has(key)) return this.json(404, notFound(key));
    const answer = this.evaluate(flagSet, key, mergeContexts(sent, server));
    return this.json(statusOf(answer), answer);
  }

  /**
   * `POST .../flags`: every exposed flag. The body is evaluated before the tag is known, but
   * observed only when sent: a 304 tells the caller to keep what it has, and counts no use.
   */
  bulk(
    sent: EvaluationContext,
    server: EvaluationContext,
    ifNoneMatch: string | string[] | undefined,
  ): OfrepReply {
    const { flagSet } = this.state.served;
    const context = mergeContexts(sent, server);
    const keys = [...this.exposedKeys(flagSet)];
    const results = keys.map((key) => evaluateFlag(flagSet, key, context));
    const flags = keys.map((key, index) => ofrepEvaluation(key, results[index]));
    const metadata = keys.length > 0 && Object.keys(flagSet.metadata).length > 0;
    const body = JSON.stringify(metadata ? { flags, metadata: flagSet.metadata } : { flags });
    const etag = entityTag(body);
    if (noneMatch(ifNoneMatch, etag)) return { status: 304, etag };
    const request = this.ambient.request() ?? null;
    keys.forEach((key, index) => this.observer.resolved(key, results[index], context, request));
    return { status: 200, body, etag };
  }

  private evaluate(flagSet: FlagSet, key: string, context: EvaluationContext): OfrepEvaluation {
    const result = evaluateFlag(flagSet, key, context);
    this.observer.resolved(key, result, context, this.ambient.request() ?? null);
    return ofrepEvaluation(key, result);
  }

  private json(status: OfrepReply['status'], answer: OfrepEvaluation): OfrepReply {
    return { status, body: JSON.stringify(answer) };
  }

  private exposedKeys(flagSet: FlagSet): ReadonlySet<string> {
    let keys = this.exposed.get(flagSet);
    if (keys === undefined) {
      keys = new Set([...flagSet.keys()].filter((key) => this.isExposed(flagSet, key)));
      this.exposed.set(flagSet, keys);
    }
    return keys;
  }

  /** A flag `expose` throws on stays hidden: exposure fails closed. */
  private isExposed(flagSet: FlagSet, key: string): boolean {
    const metadata = flagSet.get(key)?.metadata ?? flagSet.metadata;
    try {
      return this.options.expose({ key, metadata }) === true;
    } catch (error) {
      this.logger.warn(
        `ofrep.expose threw for flag "${key}", which stays unexposed: ${(error as Error)?.message ?? String(error)}`,
      );
      return false;
    }
  }
}
