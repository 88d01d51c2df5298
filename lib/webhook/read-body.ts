import type { IncomingMessage } from 'node:http';

/** Why a body could not be read. @internal */
export class BodyReadError extends Error {
  constructor(readonly kind: 'too_large' | 'timeout' | 'aborted' | 'already_read') {
    super(`The request body could not be read (${kind}).`);
    this.name = 'BodyReadError';
  }
}

/** @internal */
export interface BodyLimits {
  /** The most bytes read; one more and reading stops. */
  maxBytes: number;
  /** How long the whole body may take to arrive. */
  timeoutMs: number;
}

/**
 * Reads a request's body as it arrived on the wire, at most `maxBytes` and within `timeoutMs`:
 * a declared length over the limit is refused before a byte is read, a longer stream when it
 * passes the limit, a slow one when the time is up. Nothing is inflated or decoded here.
 * @throws BodyReadError
 * @internal
 */
export function readBody(request: IncomingMessage, limits: BodyLimits): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (declared > limits.maxBytes) return Promise.reject(new BodyReadError('too_large'));
  // A parser of the host's read it first (a catch-all JSON or text parser): the bytes are gone.
  if (request.readableEnded) return Promise.reject(new BodyReadError('already_read'));
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const finish = (error: BodyReadError | undefined) => {
      clearTimeout(timer);
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('aborted', onAborted);
      if (error === undefined) {
        resolve(Buffer.concat(chunks, received));
        return;
      }
      // Stop reading: the answer closes the connection rather than drain what is left.
      request.pause();
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limits.maxBytes) finish(new BodyReadError('too_large'));
      else chunks.push(chunk);
    };
    const onEnd = () => finish(undefined);
    const onError = () => finish(new BodyReadError('aborted'));
    const onAborted = () => finish(new BodyReadError('aborted'));
    const timer = setTimeout(() => finish(new BodyReadError('timeout')), limits.timeoutMs);
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('aborted', onAborted);
  });
}
