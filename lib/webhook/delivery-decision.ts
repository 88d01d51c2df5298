import type { ValidationError } from '../evaluation';

/** What the applier decided about a delivery: the body of the webhook's answer. @internal */
export type DeliveryDecision =
  | { status: 'applied'; revision: number; changed: string[] }
  | { status: 'unchanged'; revision: number }
  | { status: 'conflict'; currentRevision: number }
  | { status: 'replayed' }
  | { status: 'invalid'; details: ValidationError[] };
