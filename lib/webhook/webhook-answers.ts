import { HttpException, HttpStatus } from '@nestjs/common';
import type { ValidationError } from '../evaluation';
import type { TokenRefusal } from './token-refused.error';
import { SIGNED_MEDIA_TYPE } from './webhook.constants';

/*
 * The webhook's error answers: machine-readable bodies, as docs/protocol.md lists them.
 */

/** @internal */
export function invalidToken(reason: TokenRefusal): HttpException {
  return new HttpException({ error: 'invalid_token', reason }, HttpStatus.UNAUTHORIZED);
}

/** @internal */
export function invalidDelivery(details: ValidationError[]): HttpException {
  return new HttpException({ error: 'invalid_delivery', details }, HttpStatus.BAD_REQUEST);
}

/** A read endpoint's request is malformed. @internal */
export function invalidRequest(details: ValidationError[]): HttpException {
  return new HttpException({ error: 'invalid_request', details }, HttpStatus.BAD_REQUEST);
}

/** @internal */
export function revisionConflict(currentRevision: number): HttpException {
  return new HttpException({ error: 'revision_conflict', currentRevision }, HttpStatus.CONFLICT);
}

/** @internal */
export function unsupportedMediaType(): HttpException {
  return new HttpException(
    {
      error: 'unsupported_media_type',
      message: `Send signed bodies as Content-Type: ${SIGNED_MEDIA_TYPE} (the protocol: docs/protocol.md in the nestjs-hybrid-flags package).`,
    },
    HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  );
}

/** A `Content-Encoding` other than identity: bodies are signed and limited as sent. @internal */
export function unsupportedEncoding(): HttpException {
  return new HttpException(
    {
      error: 'unsupported_encoding',
      message:
        'Send the body uncompressed, without Content-Encoding: its hash and size limit apply to the bytes sent.',
    },
    HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  );
}

/** @internal */
export function payloadTooLarge(limit: number): HttpException {
  return new HttpException(
    {
      error: 'payload_too_large',
      message: `Signed bodies are at most ${limit} bytes; split the change into patches.`,
    },
    HttpStatus.PAYLOAD_TOO_LARGE,
  );
}

/** The body did not arrive in time. @internal */
export function requestTimeout(ms: number): HttpException {
  return new HttpException(
    {
      error: 'request_timeout',
      message: `The body did not arrive within ${ms} ms; send it again with a new token.`,
    },
    HttpStatus.REQUEST_TIMEOUT,
  );
}

/** The store keeps no usage (a custom store without a usage store). @internal */
export function usageNotAvailable(): HttpException {
  return new HttpException(
    {
      error: 'usage_not_available',
      message:
        "This application's store keeps no usage: give FlagsModule a UsageStore (usage.store) to report it.",
    },
    HttpStatus.NOT_FOUND,
  );
}

/** @internal */
export function storeUnavailable(): HttpException {
  return new HttpException(
    {
      error: 'store_unavailable',
      message: 'The database did not answer; retry later with a new token.',
    },
    HttpStatus.SERVICE_UNAVAILABLE,
  );
}

/** A body parser of the host's consumed the body before the webhook could read it. @internal */
export function bodyAlreadyRead(): HttpException {
  return new HttpException(
    {
      error: 'body_already_read',
      message: `A body parser of the application read this request before the flags webhook could verify it: keep catch-all parsers (type '*/*') away from the webhook's path, or from ${SIGNED_MEDIA_TYPE}.`,
    },
    HttpStatus.INTERNAL_SERVER_ERROR,
  );
}
