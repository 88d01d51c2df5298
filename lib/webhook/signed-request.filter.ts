import { type ArgumentsHost, Catch, HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { IncomingMessage } from 'node:http';
import { DeliveryLog } from './delivery-log';
import { RefusalTally } from './refusal-tally';
import { exchangeOf, incomingMessageOf } from './signed-exchange';

/** Seconds a control plane waits before retrying a 503 (docs/protocol.md). */
const RETRY_AFTER_SECONDS = '5';

/** Whether bytes of the request body are still on their way (not read, or read in part). */
function bodyPending(message: IncomingMessage): boolean {
  if (message.readableEnded) return false;
  const length = message.headers['content-length'];
  return (
    message.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')
  );
}

/**
 * Finishes every error answer of the signed endpoints, whether the guard or a handler gave it:
 * `Retry-After` on a 503, `Connection: close` when the body was not read (a refused request's
 * body is never drained), one log entry per refused or failed delivery, and token refusals
 * tallied instead of logged one by one. The answer itself is Nest's, from the exception.
 * @internal
 */
@Catch()
@Injectable()
export class SignedRequestFilter extends BaseExceptionFilter {
  constructor(
    private readonly deliveryLog: DeliveryLog,
    private readonly refusals: RefusalTally,
  ) {
    super();
  }

  override catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<object>();
    const response = http.getResponse<object>();
    const exchange = exchangeOf(request);
    const adapter = this.httpAdapterHost?.httpAdapter;
    const status =
      exception instanceof HttpException ? exception.getStatus() : HttpStatus.INTERNAL_SERVER_ERROR;
    if (status === HttpStatus.SERVICE_UNAVAILABLE)
      adapter?.setHeader(response, 'Retry-After', RETRY_AFTER_SECONDS);
    if (bodyPending(incomingMessageOf(request)))
      adapter?.setHeader(response, 'Connection', 'close');
    if (status === HttpStatus.UNAUTHORIZED && exchange.endpoint !== undefined) {
      const answer = (exception as HttpException).getResponse() as { reason?: unknown };
      this.refusals.count(exchange.endpoint, String(answer.reason ?? 'invalid_token'));
    }
    if (exchange.endpoint === 'deliveries') this.deliveryLog.threw(exchange, exception);
    super.catch(exception, host);
  }
}
