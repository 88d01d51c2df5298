import type { CliIo } from './io';
import { CommandError, UsageError } from './output';
import { printable, shown } from './printable';
import { SIGNED_MEDIA_TYPE } from '../webhook';
import type { Signer } from './signer';

/** The application answered 404: a wrong `--url`, no webhook, or an endpoint it does not have. @internal */
export class EndpointNotFoundError extends CommandError {
  constructor(message: string) {
    super(message);
    this.name = 'EndpointNotFoundError';
  }
}

/** An answer of the application, its body parsed. @internal */
export interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/** How a client waits out an application that cannot write (503) or cannot be reached. */
export interface RetryPolicy {
  /** Requests sent at most, the first included. */
  attempts: number;
  /** The first wait when the application gives no Retry-After; it doubles every time. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** How long one request may take; longer counts as no answer. */
  timeoutMs: number;
}

/** @internal */
export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 6,
  initialDelayMs: 500,
  maxDelayMs: 10_000,
  timeoutMs: 30_000,
};

/** The base URL of the signed endpoints, checked once. @internal */
export function parseBaseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--url must be an absolute URL such as http://localhost:3000/_flags`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(shown`--url must be http:// or https://, not ${url.protocol}`);
  }
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}

/**
 * What an error answer says, for a person: the machine-readable reason first. Every part is the
 * application's, escaped; the details' line breaks are the only ones.
 * @internal
 */
export function describeRefusal(answer: Answer): string {
  const { error, reason, message, details } = answer.body;
  const parts = [`HTTP ${answer.status}`];
  if (typeof error === 'string') parts.push(printable(error));
  if (typeof reason === 'string') parts.push(printable(reason));
  let text = parts.join(' ');
  if (typeof message === 'string') text += `: ${printable(message)}`;
  if (Array.isArray(details)) {
    for (const detail of details as { path?: string; message?: string }[]) {
      const line = shown`${detail.path || '(document)'}: ${detail.message}`;
      text += `\n  ${line}`;
    }
  }
  return text;
}

function retryAfterMs(response: Response): number | undefined {
  const header = response.headers.get('retry-after');
  if (header === null || !/^\d+$/.test(header.trim())) return undefined;
  return Number(header.trim()) * 1000;
}

/**
 * Sends signed requests to an application's `/_flags` endpoints. Every attempt carries a new
 * token (a token is used once), and an application that is down or cannot write is retried with
 * a growing delay, following its Retry-After.
 * @internal
 */
export class FlagsClient {
  constructor(
    private readonly base: URL,
    private readonly signer: Signer,
    private readonly io: CliIo,
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
    /** Told about every wait, for progress lines. */
    private readonly onWait: (message: string) => void = () => undefined,
  ) {}

  get(path: string): Promise<Answer> {
    return this.send('GET', path, '');
  }

  post(path: string, body: unknown): Promise<Answer> {
    return this.send('POST', path, JSON.stringify(body));
  }

  private async send(method: string, path: string, body: string): Promise<Answer> {
    const url = new URL(path, this.base).toString();
    let delay = this.retry.initialDelayMs;
    for (let attempt = 1; ; attempt++) {
      const init: RequestInit = {
        method,
        headers: {
          authorization: `Bearer ${this.signer.sign(body).token}`,
          accept: 'application/json',
          ...(method === 'GET' ? {} : { 'content-type': SIGNED_MEDIA_TYPE }),
        },
        ...(method === 'GET' ? {} : { body }),
        // A delivery sent again after a timeout is harmless: an applied revision answers unchanged.
        signal: AbortSignal.timeout(this.retry.timeoutMs),
      };
      let response: Response | undefined;
      let failure = '';
      try {
        response = await this.io.fetch(url, init);
      } catch (error) {
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        failure = cause?.code ?? cause?.message ?? (error as Error).message;
      }
      if (response !== undefined && response.status !== 503) return this.read(response, url);
      if (attempt >= this.retry.attempts) {
        if (response !== undefined) return this.read(response, url);
        throw new CommandError(
          shown`cannot reach ${url} (${failure}) after ${attempt} attempts; check --url and that the application runs`,
        );
      }
      const wait = Math.min(
        (response === undefined ? undefined : retryAfterMs(response)) ?? delay,
        this.retry.maxDelayMs,
      );
      await response?.body?.cancel();
      this.onWait(
        response === undefined
          ? shown`cannot reach the application (${failure}); retrying in ${wait} ms`
          : shown`the application cannot write now (503); retrying in ${wait} ms`,
      );
      await this.io.sleep(wait);
      delay = Math.min(delay * 2, this.retry.maxDelayMs);
    }
  }

  private async read(response: Response, url: string): Promise<Answer> {
    const text = await response.text();
    if (response.status === 404) {
      throw new EndpointNotFoundError(
        shown`${url} answered 404: check --url (the application's webhook path, /_flags by default) and that the application sets the webhook option`,
      );
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      // The body is whatever answered (a proxy's HTML page, say): shown escaped, line breaks too.
      throw new CommandError(
        shown`${url} answered ${response.status} with a body that is not a JSON object: ${text.slice(0, 200)}`,
      );
    }
    return { status: response.status, body: body as Record<string, unknown> };
  }
}
