import { type ExecutionContext, createParamDecorator } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { Delivery } from './delivery';
import type { VerifiedToken } from './verify-token';

/**
 * One request to a signed endpoint, as it goes from the guard to the handler and to the answer:
 * what was verified, and what its log entry may tell. Never the token itself nor a flag value.
 * @internal
 */
export interface SignedExchange {
  /** When the guard took the request (`performance.now()`). */
  readonly startedAt: number;
  /** The handler's name (`deliveries`, `state`, …), once the guard took the request. */
  endpoint?: string;
  /** The verified token, once verified. */
  token?: VerifiedToken;
  /** The exact body bytes received and checked against the token's hash (empty for a GET). */
  body?: Buffer;
  /** The delivery, once its body parsed. */
  delivery?: Delivery;
  /** Why the store failed, for a 503. */
  cause?: unknown;
  /**
   * The store could not be reached while the token was recorded (the request went on without
   * its replay check): a read that needs the store answers 503 at once instead of waiting for it
   * a second time.
   */
  storeUnreachable?: boolean;
}

const EXCHANGE = Symbol('nestjs-hybrid-flags:signed-exchange');

type Carrier = { [EXCHANGE]?: SignedExchange };

/** The exchange of a request (Express's, or Fastify's wrapper), started on first use. @internal */
export function exchangeOf(request: object): SignedExchange {
  const carrier = request as Carrier;
  return (carrier[EXCHANGE] ??= { startedAt: performance.now() });
}

/** The Node request under Express's (the same object) or Fastify's (`raw`). @internal */
export function incomingMessageOf(request: object): IncomingMessage {
  return ((request as { raw?: IncomingMessage }).raw ?? request) as IncomingMessage;
}

/**
 * The handler's verified request: its token and body, as the signed-request guard checked them.
 * @internal
 */
export const Signed = createParamDecorator((_: unknown, context: ExecutionContext) =>
  exchangeOf(context.switchToHttp().getRequest<object>()),
);
