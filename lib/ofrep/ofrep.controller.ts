import {
  Controller,
  type ExecutionContext,
  Inject,
  Param,
  Post,
  Req,
  Res,
  type Type,
  UseGuards,
  createParamDecorator,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { RequestContextResolver } from '../core/request-context.resolver';
import type { EvaluationContext } from '../evaluation';
import { OfrepEvaluator, type OfrepReply } from './ofrep-evaluator';
import type { ResolvedOfrepOptions } from './ofrep-options';
import { readOfrepRequest } from './ofrep-request';

/** The handler's execution context, for the request context the server derives. */
const Execution = createParamDecorator((_: unknown, context: ExecutionContext) => context);

/** What the handlers read of the request, on Express and Fastify alike. */
interface OfrepHttpRequest {
  body?: unknown;
  headers: Record<string, string | string[] | undefined>;
}

const FLAGS = 'ofrep/v1/evaluate/flags';

/**
 * The OFREP routes (docs/protocol.md). They answer through the HTTP adapter rather than by
 * returning a value or throwing: an application's response-wrapping interceptor or exception
 * filter would otherwise reshape bodies that OpenFeature's providers read field by field.
 * Mounted at `ofrep.path` by a subclass (see {@link ofrepControllerAt}).
 * @internal
 */
export class OfrepController {
  // Tokens named: the class has no decorator of its own to make TypeScript record their types.
  constructor(
    @Inject(OfrepEvaluator) private readonly evaluator: OfrepEvaluator,
    @Inject(RequestContextResolver) private readonly resolver: RequestContextResolver,
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
  ) {}

  @Post(`${FLAGS}/:key`)
  one(
    @Param('key') key: string,
    @Req() request: OfrepHttpRequest,
    @Execution() execution: ExecutionContext,
    @Res() response: unknown,
  ): void {
    this.answer(request, execution, response, { key }, (sent, server) =>
      this.evaluator.one(key, sent, server),
    );
  }

  @Post(FLAGS)
  bulk(
    @Req() request: OfrepHttpRequest,
    @Execution() execution: ExecutionContext,
    @Res() response: unknown,
  ): void {
    this.answer(request, execution, response, {}, (sent, server) =>
      this.evaluator.bulk(sent, server, request.headers['if-none-match']),
    );
  }

  /** Answers what `evaluate` says of the caller's context, or 400 when it is refused. */
  private answer(
    request: OfrepHttpRequest,
    execution: ExecutionContext,
    response: unknown,
    flag: { key?: string },
    evaluate: (sent: EvaluationContext, server: EvaluationContext) => OfrepReply,
  ): void {
    const sent = readOfrepRequest(request.body);
    const reply: OfrepReply = sent.ok
      ? evaluate(sent.context, this.resolver.resolve(execution))
      : {
          status: 400,
          body: JSON.stringify({
            ...flag,
            errorCode: 'INVALID_CONTEXT',
            errorDetails: sent.details,
          }),
        };
    this.send(response, reply);
  }

  private send(response: unknown, reply: OfrepReply): void {
    const http = this.adapterHost.httpAdapter;
    // Answers depend on who asks: no shared cache may keep one, and the caller revalidates.
    http.setHeader(response, 'Cache-Control', 'private, no-cache');
    if (reply.etag !== undefined) http.setHeader(response, 'ETag', reply.etag);
    if (reply.body !== undefined) {
      http.setHeader(response, 'Content-Type', 'application/json; charset=utf-8');
    }
    http.reply(response, reply.body, reply.status);
  }
}

/**
 * The OFREP controller mounted at `options.path`, with `options.guards`: a subclass per
 * application, as the path and guards are the application's.
 * @internal
 */
export function ofrepControllerAt(options: ResolvedOfrepOptions): Type<OfrepController> {
  @Controller(options.path)
  @UseGuards(...options.guards)
  class MountedOfrepController extends OfrepController {}
  return MountedOfrepController;
}
