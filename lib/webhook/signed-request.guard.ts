import {
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  NotFoundException,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { IncomingMessage } from 'node:http';
import { BodyReadError, readBody } from './read-body';
import { ReplayMemory } from './replay-memory';
import { exchangeOf, incomingMessageOf } from './signed-exchange';
import { TokenRefusedError } from './token-refused.error';
import { type VerifiedToken, checkBodyHash, verifyToken } from './verify-token';
import {
  bodyAlreadyRead,
  invalidRequest,
  invalidToken,
  payloadTooLarge,
  requestTimeout,
  unsupportedEncoding,
  unsupportedMediaType,
} from './webhook-answers';
import { SIGNED_MEDIA_TYPE } from './webhook.constants';
import { WEBHOOK_RULES, type WebhookRules } from './webhook-rules';

const RECORDS_ITS_TOKEN = 'nestjs-hybrid-flags:records-its-token';

/**
 * Marks a signed handler that records its token's `jti` itself (a delivery records it in the
 * transaction that applies it): the guard does not.
 * @internal
 */
export const RecordsItsToken = () => SetMetadata(RECORDS_ITS_TOKEN, true);

const EMPTY = Buffer.alloc(0);

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The media type without parameters, lower-cased. */
function mediaType(request: IncomingMessage): string {
  return (header(request, 'content-type') ?? '').split(';')[0].trim().toLowerCase();
}

function encoded(request: IncomingMessage): boolean {
  const encoding = header(request, 'content-encoding');
  return encoding !== undefined && encoding.trim().toLowerCase() !== 'identity';
}

/**
 * Authenticates every request to the signed endpoints, in this order and before any work is
 * done for it: 404 without the `webhook` option; the token (signature and claims) before a byte
 * of the body is read; the body's encoding and media type; the body itself, read raw within the
 * size limit and the time limit; its hash against the token; then the token's `jti`, recorded
 * so that it is used once (unless the handler records it itself). The handler receives what was
 * verified through `@Signed()`.
 * @internal
 */
@Injectable()
export class SignedRequestGuard implements CanActivate {
  constructor(
    @Inject(WEBHOOK_RULES) private readonly rules: WebhookRules | null,
    private readonly reflector: Reflector,
    private readonly replays: ReplayMemory,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<object>();
    const exchange = exchangeOf(request);
    exchange.endpoint = context.getHandler().name;
    const rules = this.rules;
    if (rules === null) throw new NotFoundException();
    const message = incomingMessageOf(request);
    const token = this.verify(message, rules);
    exchange.token = token;
    // Only the POST endpoints take a body; any other request is signed with the empty one.
    const body = message.method === 'POST' ? await this.readBody(message, rules) : EMPTY;
    try {
      checkBodyHash(token, body);
    } catch (error) {
      throw this.refusal(error);
    }
    exchange.body = body;
    if (!this.reflector.get<boolean>(RECORDS_ITS_TOKEN, context.getHandler())) {
      await this.replays.remember(token, exchange, true);
    }
    return true;
  }

  private verify(message: IncomingMessage, rules: WebhookRules): VerifiedToken {
    try {
      return verifyToken(header(message, 'authorization'), rules);
    } catch (error) {
      throw this.refusal(error);
    }
  }

  private async readBody(message: IncomingMessage, rules: WebhookRules): Promise<Buffer> {
    if (encoded(message)) throw unsupportedEncoding();
    if (mediaType(message) !== SIGNED_MEDIA_TYPE) throw unsupportedMediaType();
    try {
      return await readBody(message, {
        maxBytes: rules.maxDeliveryBytes,
        timeoutMs: rules.bodyTimeoutMs,
      });
    } catch (error) {
      if (!(error instanceof BodyReadError)) throw error;
      switch (error.kind) {
        case 'too_large':
          throw payloadTooLarge(rules.maxDeliveryBytes);
        case 'timeout':
          throw requestTimeout(rules.bodyTimeoutMs);
        case 'already_read':
          throw bodyAlreadyRead();
        default:
          throw invalidRequest([{ path: '', message: 'the body ended before it was complete' }]);
      }
    }
  }

  private refusal(error: unknown): unknown {
    return error instanceof TokenRefusedError ? invalidToken(error.reason) : error;
  }
}
