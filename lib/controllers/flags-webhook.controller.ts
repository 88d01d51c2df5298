import {
  Controller,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Post,
  Query,
  Req,
  Res,
  type Type,
} from '@nestjs/common';
import { FlagCache } from '../cache/flag-cache';
import { evaluateFlag } from '../evaluation';
import { RESOLVED_FLAGS_OPTIONS } from '../flags.constants';
import type { ResolvedFlagsModuleOptions } from '../flags-module-options';
import { FlagStore, type StoredDefinition } from '../store/flag-store';
import { DeliveryApplier } from '../sync/delivery-applier';
import { DEFAULT_USAGE_DAYS, MAX_USAGE_DAYS } from '../staleness/usage-report.types';
import { windowStart } from '../staleness/utc-days';
import { buildUsageReport } from '../usage/usage-report.builder';
import { UsageCounter } from '../usage/usage-counter';
import { parseDelivery } from '../webhook/delivery';
import { parseEvaluateRequest } from '../webhook/evaluate-request';
import { TokenRefusedError } from '../webhook/token-refused.error';
import { type VerifiedToken, verifyToken } from '../webhook/verify-token';
import { type DeliveryFacts, DeliveryLog } from './delivery-log';
import {
  invalidDelivery,
  invalidRequest,
  invalidToken,
  payloadTooLarge,
  rawBodyMissing,
  revisionConflict,
  storeUnavailable,
  unsupportedMediaType,
} from './webhook-answers';

interface WebhookRequest {
  headers: Record<string, string | string[] | undefined>;
  rawBody?: Buffer;
  body?: unknown;
}

interface WebhookResponse {
  header?(name: string, value: string): unknown;
  setHeader?(name: string, value: string): unknown;
}

const RETRY_AFTER_SECONDS = '5';
const MAX_AUDIT_PAGE = 1000;

/** The 503 answer, telling the control plane when to retry. */
function unavailable(response: WebhookResponse) {
  (response.header ?? response.setHeader)?.call(response, 'Retry-After', RETRY_AFTER_SECONDS);
  return storeUnavailable();
}

function header(request: WebhookRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The exact bytes received, which the token's body hash covers. */
function rawBodyOf(request: WebhookRequest): Buffer {
  if (request.rawBody === undefined) throw rawBodyMissing();
  return request.rawBody;
}

/**
 * The signed endpoints, under `path`. A class per module instance, so two applications in one
 * process can use different paths.
 * @internal
 */
export function flagsWebhookController(path: string): Type<unknown> {
  @Controller(path)
  class FlagsWebhookController {
    constructor(
      @Inject(RESOLVED_FLAGS_OPTIONS) private readonly options: ResolvedFlagsModuleOptions,
      private readonly applier: DeliveryApplier,
      private readonly store: FlagStore,
      private readonly cache: FlagCache,
      private readonly counter: UsageCounter,
      private readonly deliveryLog: DeliveryLog,
    ) {}

    @Post('deliveries')
    @HttpCode(200)
    async deliveries(
      @Req() request: WebhookRequest,
      @Res({ passthrough: true }) response: WebhookResponse,
    ) {
      // One log entry and one count per request, whatever its answer.
      const facts: DeliveryFacts = { startedAt: performance.now() };
      try {
        const answer = await this.deliver(request, response, facts);
        this.deliveryLog.answered(facts, answer);
        return answer;
      } catch (error) {
        this.deliveryLog.threw(facts, error);
        throw error;
      }
    }

    /** Verifies, validates and applies a delivery, noting in `facts` what its log may tell. */
    private async deliver(
      request: WebhookRequest,
      response: WebhookResponse,
      facts: DeliveryFacts,
    ) {
      const rules = this.rules();
      if (!/^application\/json\b/i.test(header(request, 'content-type') ?? ''))
        throw unsupportedMediaType();
      const raw = rawBodyOf(request);
      if (raw.length > rules.maxDeliveryBytes) throw payloadTooLarge(rules.maxDeliveryBytes);
      const token = this.verify(request, raw);
      facts.sender = token;
      const parsed = parseDelivery(request.body);
      if (!parsed.ok) throw invalidDelivery(parsed.errors);
      facts.delivery = parsed.delivery;
      let outcome;
      try {
        outcome = await this.applier.apply(parsed.delivery, token);
      } catch (error) {
        facts.cause = error;
        throw unavailable(response);
      }
      switch (outcome.status) {
        // An applied delivery recorded its token in its own transaction.
        case 'applied':
          return outcome;
        case 'replayed':
          throw invalidToken('replayed');
        // Refused before anything is written, so the database stays byte for byte as it was;
        // the same body is refused again whatever token carries it.
        case 'invalid':
          throw invalidDelivery(outcome.details);
        case 'conflict':
          await this.remember(token);
          throw revisionConflict(outcome.currentRevision);
        default:
          await this.remember(token);
          return outcome;
      }
    }

    @Get('state')
    async state(@Req() request: WebhookRequest) {
      await this.remember(this.verify(request, ''));
      const snapshot = this.cache.snapshot;
      const instance = {
        revision: snapshot.revision,
        checksum: snapshot.checksum,
        flagCount: snapshot.flagSet.size,
        source: snapshot.source,
        loadedAt: snapshot.loadedAt,
      };
      try {
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

    @Get('definitions')
    async definitions(
      @Req() request: WebhookRequest,
      @Res({ passthrough: true }) response: WebhookResponse,
    ) {
      await this.remember(this.verify(request, ''));
      let stored;
      try {
        stored = await this.store.load();
      } catch {
        throw unavailable(response);
      }
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

    @Post('evaluate')
    @HttpCode(200)
    async evaluate(@Req() request: WebhookRequest) {
      this.rules();
      const token = this.verify(request, rawBodyOf(request));
      const question = parseEvaluateRequest(request.body);
      if (!question.ok) throw invalidRequest(question.errors);
      await this.remember(token);
      const { context, flags } = question.request;
      const flagSet = this.cache.snapshot.flagSet;
      const results = Object.fromEntries(
        (flags ?? [...flagSet.keys()]).map((key) => {
          const { value, variant, reason, errorCode } = evaluateFlag(flagSet, key, context);
          return [key, { value, variant, reason, ...(errorCode ? { errorCode } : {}) }];
        }),
      );
      return { revision: this.cache.snapshot.revision, results };
    }

    @Get('audit')
    async audit(
      @Req() request: WebhookRequest,
      @Res({ passthrough: true }) response: WebhookResponse,
      @Query('after') after?: string,
      @Query('limit') limit?: string,
    ) {
      await this.remember(this.verify(request, ''));
      const from = Number(after ?? 0);
      const size = Math.min(Number(limit ?? 100), MAX_AUDIT_PAGE);
      if (!Number.isInteger(from) || from < 0 || !Number.isInteger(size) || size < 1) {
        throw invalidRequest([
          {
            path: '/query',
            message: `after is a change id (0 or more), limit a number from 1 to ${MAX_AUDIT_PAGE}`,
          },
        ]);
      }
      try {
        return { changes: await this.store.changes(from, size) };
      } catch {
        throw unavailable(response);
      }
    }

    @Get('usage')
    async usage(
      @Req() request: WebhookRequest,
      @Res({ passthrough: true }) response: WebhookResponse,
      @Query('days') daysText?: string,
    ) {
      await this.remember(this.verify(request, ''));
      const days = Number(daysText ?? DEFAULT_USAGE_DAYS);
      if (!Number.isInteger(days) || days < 1 || days > MAX_USAGE_DAYS) {
        throw invalidRequest([
          { path: '/query', message: `days is a number of days from 1 to ${MAX_USAGE_DAYS}` },
        ]);
      }
      const now = new Date();
      try {
        const [stored, counts, lastEvaluations] = await Promise.all([
          this.store.load(),
          this.store.usage(windowStart(now, days)),
          this.store.lastEvaluations(),
        ]);
        return buildUsageReport({
          stored,
          counts,
          lastEvaluations,
          // Without usage, counts (kept for metrics) are never stored: none is pending.
          unflushed: this.options.usage ? this.counter.unflushed() : new Map(),
          now,
          days,
          flushIntervalMs: this.options.usageFlushMs,
        });
      } catch {
        throw unavailable(response);
      }
    }

    private rules() {
      const rules = this.options.webhook;
      if (rules === undefined) throw new NotFoundException();
      return rules;
    }

    /**
     * Refuses a token used before. A store that does not answer cannot tell: a request that
     * changes nothing is then served without the check, as reads stay useful during an outage.
     */
    private async remember(token: VerifiedToken): Promise<void> {
      let first: boolean;
      try {
        first = await this.store.rememberDelivery({
          id: token.jti,
          expiresAt: new Date(token.acceptedUntil * 1000),
        });
      } catch {
        return;
      }
      if (!first) throw invalidToken('replayed');
    }

    private verify(request: WebhookRequest, body: Uint8Array | string): VerifiedToken {
      const rules = this.rules();
      try {
        return verifyToken(header(request, 'authorization'), body, rules);
      } catch (error) {
        if (error instanceof TokenRefusedError) throw invalidToken(error.reason);
        throw error;
      }
    }
  }
  return FlagsWebhookController;
}
