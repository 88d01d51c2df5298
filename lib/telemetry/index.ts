/*
 * What other features may use of the telemetry feature: the span of a delivery, which the webhook
 * records when it answers one.
 */
export { DeliverySpans, type DeliveryTrace } from './delivery-spans';
