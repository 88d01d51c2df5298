import { Injectable } from '@nestjs/common';
import { FlagState } from '../core/flag-state';
import { evaluateFlag } from '../evaluation';
import { DEFAULT_USAGE_DAYS } from '../staleness/usage-report.types';
import { FlagStore, type StoredDefinition } from '../ports/flag-store';
import { EvaluateRequestDto } from './dto/evaluate-request.dto';
import { AuditQueryDto, UsageQueryDto, numericQuery } from './dto/read-queries.dto';
import { validateDto } from './dto/validate-dto';
import type { SignedExchange } from './signed-exchange';
import { parseStrictJson } from './strict-json';
import { UsageReports } from '../usage';
import { invalidRequest, storeUnavailable, usageNotAvailable } from './webhook-answers';

type Query = Record<string, unknown> | undefined;

const queryOptions = {
  base: '/query',
  notAnObject: 'the query must be a list of name=value parameters',
  unknownField: (field: string) => `unknown query parameter "${field}"`,
};

/**
 * What the signed read endpoints answer (docs/protocol.md): the state, the stored definitions,
 * evaluations on this instance, the change log and usage. Requests are authenticated before
 * they get here; each method validates its own input and answers 503 when the store does not.
 * @internal
 */
@Injectable()
export class WebhookReads {
  constructor(
    private readonly store: FlagStore,
    private readonly flagState: FlagState,
    private readonly usageReports: UsageReports,
  ) {}

  async state(exchange: SignedExchange) {
    const served = this.flagState.served;
    const instance = {
      revision: served.revision,
      checksum: served.checksum,
      flagCount: served.flagSet.size,
      source: served.source,
      loadedAt: served.loadedAt,
    };
    try {
      if (exchange.storeUnreachable) throw exchange.cause;
      const stored = await this.store.load();
      const store = {
        revision: stored.revision,
        checksum: stored.checksum,
        flagCount: stored.flags.length,
        updatedAt: stored.updatedAt,
      };
      return { store, instance };
    } catch {
      return { store: null, storeError: 'store_unavailable', instance };
    }
  }

  async definitions(exchange: SignedExchange) {
    const stored = await this.fromStore(exchange, () => this.store.load());
    const parsed = (entries: StoredDefinition[]) =>
      Object.fromEntries(entries.map(({ key, definition }) => [key, JSON.parse(definition)]));
    return {
      revision: stored.revision,
      checksum: stored.checksum,
      updatedAt: stored.updatedAt,
      flags: parsed(stored.flags),
      $evaluators: parsed(stored.evaluators),
      ...(stored.metadata === null ? {} : { metadata: JSON.parse(stored.metadata) }),
    };
  }

  evaluate(exchange: SignedExchange) {
    const body = parseStrictJson(exchange.body ?? Buffer.alloc(0));
    if (!body.ok) throw invalidRequest([body.error]);
    const question = validateDto(EvaluateRequestDto, body.value, {
      notAnObject: 'send a JSON object: { "context": {} }',
      unknownField: (field) => `unknown field "${field}"; send context and flags`,
    });
    if (!question.ok) throw invalidRequest(question.errors);
    const { context = {}, flags } = question.value;
    const { flagSet, revision } = this.flagState.served;
    const results = Object.fromEntries(
      (flags ?? [...flagSet.keys()]).map((key) => {
        const { value, variant, reason, errorCode } = evaluateFlag(flagSet, key, context);
        return [key, { value, variant, reason, ...(errorCode ? { errorCode } : {}) }];
      }),
    );
    return { revision, results };
  }

  async audit(exchange: SignedExchange, query: Query) {
    const read = validateDto(AuditQueryDto, numericQuery(query, ['after', 'limit']), queryOptions);
    if (!read.ok) throw invalidRequest(read.errors);
    const { after = 0, limit = 100 } = read.value;
    return { changes: await this.fromStore(exchange, () => this.store.changes(after, limit)) };
  }

  async usage(exchange: SignedExchange, query: Query) {
    const read = validateDto(UsageQueryDto, numericQuery(query, ['days']), queryOptions);
    if (!read.ok) throw invalidRequest(read.errors);
    if (!this.usageReports.available) throw usageNotAvailable();
    const { days = DEFAULT_USAGE_DAYS } = read.value;
    return this.fromStore(exchange, () => this.usageReports.report(days));
  }

  private async fromStore<T>(exchange: SignedExchange, read: () => Promise<T>): Promise<T> {
    if (exchange.storeUnreachable) throw storeUnavailable();
    try {
      return await read();
    } catch (error) {
      exchange.cause = error;
      throw storeUnavailable();
    }
  }
}
