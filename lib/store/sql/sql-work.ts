/** One SQL statement with `?` placeholders, rendered for the driver by the executor. @internal */
export interface Statement {
  sql: string;
  params: unknown[];
}

/** A result row, keyed by the (lower-case) aliases the statement selects. @internal */
export type Row = Record<string, unknown>;

/** What a unit of work decided: its value, and whether its transaction commits. @internal */
export interface WorkResult<T> {
  value: T;
  commit: boolean;
}

/**
 * A unit of work written once for every database: a generator that yields statements and gets
 * their rows back. Executors run it inside a transaction; the better-sqlite3 one runs it
 * synchronously, so nothing else in the process can interleave with it.
 * @internal
 */
export type Work<T> = Generator<Statement, WorkResult<T>, Row[]>;

/** Runs a statement inside a unit of work and returns its rows. @internal */
export function* query(sql: string, params: unknown[] = []): Generator<Statement, Row[], Row[]> {
  return yield { sql, params };
}

/** Feeds a unit of work statement results (or failures) until it finishes. @internal */
export function driveSync<T>(work: Work<T>, run: (statement: Statement) => Row[]): WorkResult<T> {
  let step = work.next();
  while (!step.done) {
    let rows: Row[];
    try {
      rows = run(step.value);
    } catch (error) {
      step = work.throw(error);
      continue;
    }
    step = work.next(rows);
  }
  return step.value;
}

/** The asynchronous twin of {@link driveSync}. @internal */
export async function driveAsync<T>(
  work: Work<T>,
  run: (statement: Statement) => Promise<Row[]>,
): Promise<WorkResult<T>> {
  let step = work.next();
  while (!step.done) {
    let rows: Row[];
    try {
      rows = await run(step.value);
    } catch (error) {
      step = work.throw(error);
      continue;
    }
    step = work.next(rows);
  }
  return step.value;
}

/** Splits `items` into runs of at most `size` items and `maxChars` characters. @internal */
export function batches<T>(
  items: T[],
  size: number,
  maxChars: number,
  chars: (item: T) => number,
): T[][] {
  const result: T[][] = [];
  let current: T[] = [];
  let total = 0;
  for (const item of items) {
    const length = chars(item);
    if (current.length > 0 && (current.length >= size || total + length > maxChars)) {
      result.push(current);
      current = [];
      total = 0;
    }
    current.push(item);
    total += length;
  }
  if (current.length > 0) result.push(current);
  return result;
}
