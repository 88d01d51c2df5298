import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { SIGNED_MEDIA_TYPE } from './webhook.constants';
import { WEBHOOK_RULES, type WebhookRules } from './webhook-rules';

/** The part of Fastify's instance used here. */
interface FastifyParsers {
  hasContentTypeParser(type: string): boolean;
  addContentTypeParser(
    type: string,
    parser: (request: unknown, payload: unknown, done: (error: null) => void) => void,
  ): void;
}

/**
 * Lets signed bodies reach the webhook unread on Fastify, which parses every body before any
 * route code runs and refuses media types it has no parser for: this parser reads nothing, so
 * `SignedRequestGuard` verifies the token first and reads the body itself. Express needs nothing:
 * its JSON parser leaves other media types alone.
 * @internal
 */
@Injectable()
export class SignedBodyParser implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(WEBHOOK_RULES) private readonly rules: WebhookRules | null,
  ) {}

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (this.rules === null || adapter?.getType() !== 'fastify') return;
    const fastify = adapter.getInstance<FastifyParsers>();
    if (fastify.hasContentTypeParser(SIGNED_MEDIA_TYPE)) return;
    fastify.addContentTypeParser(SIGNED_MEDIA_TYPE, (_request, _payload, done) => done(null));
  }
}
