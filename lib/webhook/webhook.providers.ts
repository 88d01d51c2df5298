import type { Provider } from '@nestjs/common';
import { optionsGroup } from '../core/flags.constants';
import { DeliveryApplier } from './delivery-applier';
import { DeliveryLog } from './delivery-log';
import { DeliveryReceiver } from './delivery-receiver.service';
import { RefusalTally } from './refusal-tally';
import { ReplayMemory } from './replay-memory';
import { SignedBodyParser } from './signed-body-parser';
import { SignedRequestFilter } from './signed-request.filter';
import { SignedRequestGuard } from './signed-request.guard';
import { WebhookReads } from './webhook-reads.service';
import { WEBHOOK_RULES, type WebhookRules } from './webhook-rules';

/** What the signed endpoints need, for `FlagsModule`. @internal */
export const WEBHOOK_PROVIDERS: Provider[] = [
  optionsGroup(WEBHOOK_RULES, (options: { webhook?: WebhookRules }) => options.webhook),
  DeliveryApplier,
  DeliveryLog,
  DeliveryReceiver,
  RefusalTally,
  ReplayMemory,
  SignedBodyParser,
  SignedRequestFilter,
  SignedRequestGuard,
  WebhookReads,
];
