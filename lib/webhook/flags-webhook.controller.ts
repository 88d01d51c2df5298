import {
  Controller,
  Get,
  HttpCode,
  Post,
  Query,
  type Type,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { DeliveryReceiver } from './delivery-receiver.service';
import { Signed, type SignedExchange } from './signed-exchange';
import { RecordsItsToken, SignedRequestGuard } from './signed-request.guard';
import { SignedRequestFilter } from './signed-request.filter';
import { WebhookReads } from './webhook-reads.service';

type Query = Record<string, unknown>;

/**
 * The signed endpoints (docs/protocol.md). Every request is authenticated by
 * `SignedRequestGuard` before a handler runs, and every error answer finished by
 * `SignedRequestFilter`; the handlers only say which service answers. Mounted under the
 * `webhookPath` extra by a subclass (see {@link webhookControllerAt}).
 * @internal
 */
@UseGuards(SignedRequestGuard)
@UseFilters(SignedRequestFilter)
export class FlagsWebhookController {
  constructor(
    private readonly receiver: DeliveryReceiver,
    private readonly reads: WebhookReads,
  ) {}

  @Post('deliveries')
  @HttpCode(200)
  @RecordsItsToken()
  deliveries(@Signed() exchange: SignedExchange) {
    return this.receiver.receive(exchange);
  }

  @Get('state')
  state(@Signed() exchange: SignedExchange) {
    return this.reads.state(exchange);
  }

  @Get('definitions')
  definitions(@Signed() exchange: SignedExchange) {
    return this.reads.definitions(exchange);
  }

  @Post('evaluate')
  @HttpCode(200)
  evaluate(@Signed() exchange: SignedExchange) {
    return this.reads.evaluate(exchange);
  }

  @Get('audit')
  audit(@Signed() exchange: SignedExchange, @Query() query: Query) {
    return this.reads.audit(exchange, query);
  }

  @Get('usage')
  usage(@Signed() exchange: SignedExchange, @Query() query: Query) {
    return this.reads.usage(exchange, query);
  }
}

/**
 * The webhook controller mounted at `path`: a subclass per path, so two applications in one
 * process can use different ones.
 * @internal
 */
export function webhookControllerAt(path: string): Type<FlagsWebhookController> {
  @Controller(path)
  class PathWebhookController extends FlagsWebhookController {}
  return PathWebhookController;
}
