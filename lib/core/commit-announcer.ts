import { Injectable } from '@nestjs/common';

/**
 * Where a change this instance committed (a delivery) is announced to the other
 * instances: the refresher passes it to its change feed (Redis), which has to be told after the
 * commit; nothing listens where the store announces changes itself or they are only polled.
 * @internal
 */
@Injectable()
export class CommitAnnouncer {
  private listener?: (revision: number) => void;

  /** This instance committed `revision`. */
  committed(revision: number): void {
    this.listener?.(revision);
  }

  /** Hears every commit from now on; returns what stops it. */
  listen(listener: (revision: number) => void): () => void {
    this.listener = listener;
    return () => {
      if (this.listener === listener) this.listener = undefined;
    };
  }
}
