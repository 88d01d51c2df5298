import { StoreUnreachableError } from '../../ports/store-unreachable.error';

/**
 * The time an operation has left, and the signal that it ran out: what the executors watch to
 * give up a connection that does not answer.
 * @internal
 */
export interface Deadline {
  readonly signal: AbortSignal;
  /** Milliseconds left, at least 1. */
  remaining(): number;
}

/**
 * Bounds the store's work on the host's database: every operation ends within `timeoutMs`
 * (waiting for a connection included), and at most `connections` of them hold a connection of
 * the host's pool at once, so a database that hangs costs the application that many connections
 * and no more. An operation past its time rejects with StoreUnreachableError; its connection is
 * destroyed by the executor (the signal), never handed back to the pool in an unknown state.
 * @internal
 */
export class OperationBound {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    readonly timeoutMs: number,
    readonly connections: number,
  ) {}

  async run<T>(work: (deadline: Deadline) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    const expiresAt = Date.now() + this.timeoutMs;
    const deadline: Deadline = {
      signal: controller.signal,
      remaining: () => Math.max(1, expiresAt - Date.now()),
    };
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new Error(`the database did not answer within ${this.timeoutMs} ms`);
        controller.abort(error);
        reject(new StoreUnreachableError(error));
      }, this.timeoutMs);
      timer.unref();
    });
    // The slot is taken even if the time runs out meanwhile, and handed on when the work ends.
    const slot = this.acquire();
    const running = slot.then(() => (controller.signal.aborted ? undefined : work(deadline)));
    void running.then(
      () => this.releaseSlot(),
      () => this.releaseSlot(),
    );
    try {
      return (await Promise.race([running, expired])) as T;
    } finally {
      clearTimeout(timer);
    }
  }

  private acquire(): Promise<void> {
    if (this.active < this.connections) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private releaseSlot(): void {
    const next = this.waiting.shift();
    if (next !== undefined) next();
    else this.active--;
  }
}
