import {
  Body,
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
import { type EvaluationContext, evaluateFlag } from '../evaluation';
import { RESOLVED_FLAGS_OPTIONS } from '../flags.constants';
import type { ResolvedFlagsModuleOptions } from '../flags-module-options';
import { FlagStore } from '../store/flag-store';
import { DeliveryApplier } from '../sync/delivery-applier';
import { parseDelivery } from '../webhook/delivery';
import { TokenRefusedError } from '../webhook/token-refused.error';
import { type VerifiedToken, verifyToken } from '../webhook/verify-token';
import {
  invalidDelivery,
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
    ) {}

    @Post('deliveries')
    @HttpCode(200)
    async deliveries(
      @Req() request: WebhookRequest,
      @Res({ passthrough: true }) response: WebhookResponse,
    ) {
      const rules = this.rules();
      if (!/^application\/json\b/i.test(header(request, 'content-type') ?? ''))
        throw unsupportedMediaType();
      const raw = rawBodyOf(request);
      if (raw.length > rules.maxDeliveryBytes) throw payloadTooLarge(rules.maxDeliveryBytes);
      const token = this.verify(request, raw);
      const parsed = parseDelivery(request.body);
      if (!parsed.ok) throw invalidDelivery(parsed.errors);
      let outcome;
      try {
        outcome = await this.applier.apply(parsed.delivery, token);
      } catch {
        (response.header ?? response.setHeader)?.call(response, 'Retry-After', RETRY_AFTER_SECONDS);
        throw storeUnavailable();
      }
      switch (outcome.status) {
        case 'invalid':
          throw invalidDelivery(outcome.details);
        case 'conflict':
          throw revisionConflict(outcome.currentRevision);
        case 'replayed':
          throw invalidToken('replayed');
        default:
          return outcome;
      }
    }

    @Get('state')
    async state(@Req() request: WebhookRequest) {
      this.verify(request, '');
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

    @Post('evaluate')
    @HttpCode(200)
    evaluate(
      @Req() request: WebhookRequest,
      @Body() body: { context?: EvaluationContext; flags?: string[] },
    ) {
      this.rules();
      this.verify(request, rawBodyOf(request));
      const flagSet = this.cache.snapshot.flagSet;
      const keys = Array.isArray(body?.flags)
        ? body.flags.filter((key) => typeof key === 'string')
        : [...flagSet.keys()];
      const context =
        body?.context !== null && typeof body?.context === 'object' ? body.context : {};
      const results = Object.fromEntries(
        keys.map((key) => {
          const { value, variant, reason, errorCode } = evaluateFlag(flagSet, key, context);
          return [key, { value, variant, reason, ...(errorCode ? { errorCode } : {}) }];
        }),
      );
      return { revision: this.cache.snapshot.revision, results };
    }

    @Get('audit')
    async audit(
      @Req() request: WebhookRequest,
      @Query('after') after?: string,
      @Query('limit') limit?: string,
    ) {
      this.verify(request, '');
      const from = Number(after ?? 0);
      const size = Math.min(Number(limit ?? 100), MAX_AUDIT_PAGE);
      if (!Number.isInteger(from) || from < 0 || !Number.isInteger(size) || size < 1) {
        throw invalidDelivery([
          {
            path: '/query',
            message: 'after is a change id (0 or more), limit a number from 1 to 1000',
          },
        ]);
      }
      try {
        return { changes: await this.store.changes(from, size) };
      } catch {
        throw storeUnavailable();
      }
    }

    private rules() {
      const rules = this.options.webhook;
      if (rules === undefined) throw new NotFoundException();
      return rules;
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
