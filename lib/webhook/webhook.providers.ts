import type { Provider } from '@nestjs/common';
import { DeliveryLog } from './delivery-log';
import { DeliveryReceiver } from './delivery-receiver.service';
import { RefusalTally } from './refusal-tally';
import { ReplayMemory } from './replay-memory';
import { SignedBodyParser } from './signed-body-parser';
import { SignedRequestFilter } from './signed-request.filter';
import { SignedRequestGuard } from './signed-request.guard';
import { WebhookReads } from './webhook-reads.service';

/** What the signed endpoints need, for `FlagsModule`. @internal */
export const WEBHOOK_PROVIDERS: Provider[] = [
  DeliveryLog,
  DeliveryReceiver,
  RefusalTally,
  ReplayMemory,
  SignedBodyParser,
  SignedRequestFilter,
  SignedRequestGuard,
  WebhookReads,
];
