/*
 * What other features may use of the webhook feature: the protocol's pieces a control plane (the
 * CLI) needs to sign requests the way the webhook verifies them.
 */
export { bodySha256 } from './verify-token';
export { algorithmOf, WebhookKeyError, type WebhookAlgorithm } from './webhook-key';
export { SIGNED_MEDIA_TYPE } from './webhook.constants';
