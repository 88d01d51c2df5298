import { HttpException, HttpStatus } from '@nestjs/common';
import type { ValidationError } from '../evaluation';
import type { TokenRefusal } from '../webhook/token-refused.error';

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
      message: 'Send the delivery as Content-Type: application/json.',
    },
    HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  );
}

/** @internal */
export function payloadTooLarge(limit: number): HttpException {
  return new HttpException(
    {
      error: 'payload_too_large',
      message: `Deliveries are at most ${limit} bytes; split the change into patches.`,
    },
    HttpStatus.PAYLOAD_TOO_LARGE,
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

/** @internal */
export function rawBodyMissing(): HttpException {
  return new HttpException(
    {
      error: 'raw_body_unavailable',
      message:
        'Create the application with NestFactory.create(AppModule, { rawBody: true }) so deliveries can be verified byte for byte.',
    },
    HttpStatus.INTERNAL_SERVER_ERROR,
  );
}
