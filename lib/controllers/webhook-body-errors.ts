import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { RESOLVED_FLAGS_OPTIONS, WEBHOOK_PATH } from '../flags.constants';
import type { ResolvedFlagsModuleOptions } from '../flags-module-options';
import { DeliveryLog } from './delivery-log';

/** What Express's body parser passes on when it refuses a body. */
interface BodyParserError {
  type?: unknown;
  limit?: unknown;
  message?: unknown;
}

interface ExpressReply {
  headersSent?: boolean;
  status(code: number): { json(body: unknown): void };
}

type ErrorLayer = (
  error: unknown,
  request: { originalUrl?: string; url?: string },
  response: ExpressReply,
  next: (error?: unknown) => void,
) => void;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The webhook's answer to a body the parser refused, or undefined for any other error. */
function answerFor(error: BodyParserError, endpoint: string): [number, object] | undefined {
  if (error.type === 'entity.parse.failed') {
    const details = [
      { path: '', message: `the body is not a JSON object (${String(error.message)})` },
    ];
    const code = endpoint === 'deliveries' ? 'invalid_delivery' : 'invalid_request';
    return [400, { error: code, details }];
  }
  if (error.type === 'entity.too.large') {
    const message =
      `The application's JSON body limit (${String(error.limit)} bytes) refused this body. ` +
      "Its owner raises the limit with app.useBodyParser('json', { limit: '5mb' }).";
    return [413, { error: 'payload_too_large', message }];
  }
  return undefined;
}

/**
 * Express parses JSON bodies before any route runs, so a body it refuses never reaches the
 * webhook controller and would get the host's generic answer. This error layer, added after the
 * routes and before Nest's own error handler, answers those refusals of webhook requests in the
 * protocol's terms and passes every other error on untouched.
 * @internal
 */
@Injectable()
export class WebhookBodyErrors implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(WEBHOOK_PATH) private readonly path: string,
    @Inject(RESOLVED_FLAGS_OPTIONS) private readonly options: ResolvedFlagsModuleOptions,
    private readonly deliveryLog: DeliveryLog,
  ) {}

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (this.options.webhook === undefined || adapter?.getType() !== 'express') return;
    const prefix = escapeRegExp(this.path.replace(/^\/+|\/+$/g, ''));
    const route = new RegExp(`/${prefix}/(deliveries|evaluate)/?(?:[?#]|$)`);
    const layer: ErrorLayer = (error, request, response, next) => {
      const endpoint = route.exec(request.originalUrl ?? request.url ?? '')?.[1];
      const answer =
        endpoint !== undefined && error !== null && typeof error === 'object'
          ? answerFor(error as BodyParserError, endpoint)
          : undefined;
      if (answer === undefined || response.headersSent) return next(error);
      // The delivery never reached the handler, which logs every other one.
      if (endpoint === 'deliveries') this.deliveryLog.errorAnswer({}, answer[0], answer[1]);
      response.status(answer[0]).json(answer[1]);
    };
    adapter.use(layer);
  }
}
