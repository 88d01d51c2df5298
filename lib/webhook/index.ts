/*
 * What other features may use of the webhook feature: the protocol's pieces a control plane (the
 * CLI) needs to sign requests the way the webhook verifies them, and the bounded body reader its
 * panel serves requests with.
 */
export { readBody } from './read-body';
export { bodySha256 } from './verify-token';
export { algorithmOf, WebhookKeyError, type WebhookAlgorithm } from './webhook-key';
export { SIGNED_MEDIA_TYPE } from './webhook.constants';
