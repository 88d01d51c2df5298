import { HttpException, HttpStatus, Injectable, Logger } from '@nestjs/common';
import { ActivityCounters, type DeliveryOutcome } from '../core/activity-counters';
import { DeliverySpans } from '../telemetry';
import type { SignedExchange } from './signed-exchange';

/** Changed keys and problem paths a log entry lists at most (with the full count beside). */
const LISTED = 10;

/** A 200 answer of the delivery endpoint. */
type DeliveryAnswer =
  | { status: 'applied'; revision: number; changed: string[] }
  | { status: 'unchanged'; revision: number };

/** The log entry's fields: JSON-friendly, one line under ConsoleLogger's `json: true`. */
type Fields = Record<string, string | number | string[]>;

function errorBody(body: unknown): Record<string, unknown> {
  return body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {};
}

/** The answer's machine-readable error code (docs/protocol.md). */
function errorCode(status: number, body: Record<string, unknown>): string {
  if (typeof body.error === 'string' && /^[a-z_]+$/.test(body.error)) return body.error;
  // The endpoint's one answer without a code: the module has no `webhook` option.
  if (status === HttpStatus.NOT_FOUND) return 'webhook_not_configured';
  return `http_${status}`;
}

/**
 * Ends every request to `POST {webhookPath}/deliveries` with exactly one structured log entry
 * (context `FlagsModule`), one count for the metrics and one span for the trace. The entry is an object with a stable
 * `event` name; the README's "Logs" section lists the events and their fields.
 * @internal
 */
@Injectable()
export class DeliveryLog {
  private readonly logger = new Logger('FlagsModule');

  constructor(
    private readonly activity: ActivityCounters,
    private readonly spans: DeliverySpans,
  ) {}

  /** The delivery was answered 200: applied, or unchanged (not newer than the current revision). */
  answered(exchange: SignedExchange, answer: DeliveryAnswer): void {
    const fields = this.common(exchange, HttpStatus.OK);
    if (answer.status === 'applied') {
      this.counted(exchange, 'applied');
      this.logger.log({
        event: 'flags.delivery.applied',
        ...fields,
        changedCount: answer.changed.length,
        changed: answer.changed.slice(0, LISTED),
      });
    } else {
      this.counted(exchange, 'unchanged');
      this.logger.log({
        event: 'flags.delivery.unchanged',
        ...fields,
        currentRevision: answer.revision,
      });
    }
  }

  /** The guard or the handler threw: an error answer of the protocol, or an unexpected error. */
  threw(exchange: SignedExchange, error: unknown): void {
    if (error instanceof HttpException) {
      this.errorAnswer(exchange, error.getStatus(), error.getResponse());
      return;
    }
    this.end(exchange, 'failed', 'internal_error', 'error', {
      ...this.common(exchange, HttpStatus.INTERNAL_SERVER_ERROR),
      cause: error instanceof Error ? error.message : String(error),
    });
  }

  /** An error answer given with this body, by the guard or by the handler. */
  private errorAnswer(exchange: SignedExchange, status: number, answer: unknown): void {
    const body = errorBody(answer);
    const reason = errorCode(status, body);
    if (status === HttpStatus.UNAUTHORIZED) {
      // Counted one by one, logged as a tally (RefusalTally): anyone can send these.
      this.counted(exchange, 'refused', reason);
      return;
    }
    const fields = this.common(exchange, status);
    if (reason === 'store_unavailable') {
      // The control plane retries; the outage itself is logged by the module as an error.
      const cause = exchange.cause instanceof Error ? exchange.cause.message : undefined;
      this.end(exchange, 'failed', reason, 'warn', {
        ...fields,
        ...(cause === undefined ? {} : { cause }),
      });
      return;
    }
    if (typeof body.reason === 'string') fields.tokenReason = body.reason;
    if (typeof body.currentRevision === 'number') fields.currentRevision = body.currentRevision;
    if (Array.isArray(body.details)) {
      // Paths only: a validation message may quote a value.
      const paths = body.details.map((detail) => String(errorBody(detail).path ?? ''));
      fields.problemCount = paths.length;
      fields.problems = paths.slice(0, LISTED);
    }
    this.end(exchange, 'refused', reason, 'warn', fields);
  }

  private end(
    exchange: SignedExchange,
    outcome: DeliveryOutcome,
    reason: string,
    level: 'warn' | 'error',
    fields: Fields,
  ): void {
    this.counted(exchange, outcome, reason);
    this.logger[level]({ event: `flags.delivery.${outcome}`, reason, ...fields });
  }

  /** The delivery's count and span: every entry, and every tallied refusal, has both. */
  private counted(exchange: SignedExchange, outcome: DeliveryOutcome, reason = ''): void {
    this.activity.delivery(outcome, reason);
    const { delivery, startedAt } = exchange;
    this.spans.delivered({
      outcome,
      reason,
      startedAt,
      ...(delivery === undefined
        ? {}
        : {
            kind: delivery.kind,
            revision: delivery.revision,
            ...(delivery.kind === 'patch' ? { baseRevision: delivery.baseRevision } : {}),
          }),
    });
  }

  private common(exchange: SignedExchange, status: number): Fields {
    const { delivery, token, startedAt } = exchange;
    const fields: Fields = { status };
    if (delivery !== undefined) {
      fields.kind = delivery.kind;
      fields.revision = delivery.revision;
      if (delivery.kind === 'patch') fields.baseRevision = delivery.baseRevision;
    }
    if (token !== undefined) {
      fields.deliveryId = token.jti;
      if (token.sub !== undefined) fields.actor = token.sub;
    }
    fields.durationMs = Math.round((performance.now() - startedAt) * 10) / 10;
    return fields;
  }
}
