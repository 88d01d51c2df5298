import { Injectable, Logger } from '@nestjs/common';

/**
 * Whether the store answers, as the last read found it. Logs when that changes, never once per
 * read: an outage is one error line and one recovery line, however long it lasts.
 * @internal
 */
@Injectable()
export class StoreReachability {
  private readonly logger = new Logger('FlagsModule');
  private known?: boolean;
  private error?: string;
  private checkedAt: Date | null = null;

  get reachable(): boolean {
    return this.known === true;
  }

  get lastError(): string | undefined {
    return this.error;
  }

  /** When the store last answered. */
  get lastCheckedAt(): Date | null {
    return this.checkedAt;
  }

  /** The store answered; `recovery` is logged when it had not before. */
  answered(recovery: string, at = new Date()): void {
    if (this.known !== true) this.logger.log(recovery);
    this.known = true;
    this.error = undefined;
    this.checkedAt = at;
  }

  /** The store did not answer; `consequence` says what the instance does meanwhile. */
  failed(error: unknown, consequence: string): void {
    const message = error instanceof Error ? error.message : String(error);
    if (this.known !== false) {
      // Driver messages may or may not end a sentence.
      const sentence = /[.!?]$/.test(message) ? message : `${message}.`;
      this.logger.error(`Cannot read the flags from the store: ${sentence} ${consequence}`);
    }
    this.known = false;
    this.error = message;
  }
}
