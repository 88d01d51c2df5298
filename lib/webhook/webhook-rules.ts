import { FlagsConfigurationError } from '../core/flags-configuration.error';
import { knownKeys, optionGroup } from '../core/option-checks';
import type { DeliveryLedger } from '../ports/delivery-ledger';
import type { TokenRules } from './verify-token';
import { WebhookKeyError, toWebhookKey } from './webhook-key';
import type { WebhookOptions } from './webhook-options';

/** The `webhook` group of the resolved options, or null without the option. @internal */
export const WEBHOOK_RULES = 'FLAGS:WEBHOOK_RULES';

/** The webhook options after defaults and checks. @internal */
export interface WebhookRules extends TokenRules {
  maxDeliveryBytes: number;
  bodyTimeoutMs: number;
  ledger?: DeliveryLedger;
}

/** @internal */
export function resolveWebhookRules(options: WebhookOptions): WebhookRules {
  optionGroup('webhook', options, "{ audience: 'shop-api', keys: [...] }");
  knownKeys('webhook', options, [
    'keys',
    'audience',
    'issuer',
    'maxTokenAgeSeconds',
    'maxDeliveryBytes',
    'bodyTimeoutMs',
    'ledger',
  ]);
  if (options.ledger !== undefined && typeof options.ledger?.rememberDelivery !== 'function') {
    throw new FlagsConfigurationError(
      'webhook.ledger must be a DeliveryLedger (rememberDelivery).',
    );
  }
  if (typeof options.audience !== 'string' || options.audience === '') {
    throw new FlagsConfigurationError(
      'webhook.audience must name this application, e.g. "shop-api".',
    );
  }
  if (!Array.isArray(options.keys) || options.keys.length === 0) {
    throw new FlagsConfigurationError(
      'webhook.keys needs at least one key (see docs/protocol.md in the nestjs-hybrid-flags package).',
    );
  }
  const kids = options.keys.map((key) => key.kid);
  if (options.keys.length > 1 && (kids.includes(undefined) || new Set(kids).size !== kids.length)) {
    throw new FlagsConfigurationError('with several webhook keys, each needs its own kid.');
  }
  let keys;
  try {
    keys = options.keys.map(toWebhookKey);
  } catch (error) {
    if (error instanceof WebhookKeyError) throw new FlagsConfigurationError(error.message);
    throw error;
  }
  const maxTokenAgeSeconds = options.maxTokenAgeSeconds ?? 300;
  const maxDeliveryBytes = options.maxDeliveryBytes ?? 5 * 1024 * 1024;
  if (!Number.isInteger(maxTokenAgeSeconds) || maxTokenAgeSeconds <= 0) {
    throw new FlagsConfigurationError('webhook.maxTokenAgeSeconds must be a whole number above 0.');
  }
  if (!Number.isInteger(maxDeliveryBytes) || maxDeliveryBytes <= 0) {
    throw new FlagsConfigurationError('webhook.maxDeliveryBytes must be a whole number above 0.');
  }
  const bodyTimeoutMs = options.bodyTimeoutMs ?? 10_000;
  if (!Number.isInteger(bodyTimeoutMs) || bodyTimeoutMs <= 0) {
    throw new FlagsConfigurationError(
      'webhook.bodyTimeoutMs must be a whole number of milliseconds above 0.',
    );
  }
  return {
    keys,
    audience: options.audience,
    ...(options.issuer === undefined ? {} : { issuer: options.issuer }),
    maxTokenAgeSeconds,
    clockSkewSeconds: 30,
    maxDeliveryBytes,
    bodyTimeoutMs,
    ...(options.ledger === undefined ? {} : { ledger: options.ledger }),
  };
}
