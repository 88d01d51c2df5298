import type { ValidationError } from '../evaluation';

/** What became of a delivery: the body of the webhook's answer. @publicApi */
export type DeliveryOutcome =
  | { status: 'applied'; revision: number; changed: string[] }
  | { status: 'unchanged'; revision: number }
  | { status: 'conflict'; currentRevision: number }
  | { status: 'replayed' }
  | { status: 'invalid'; details: ValidationError[] };
