import { appliedOutcome, type ChangeEntry, changeEntries, metadataEntry } from '../change-entries';
import type { ChangeDecision, FlagSetChange, StoredDefinition } from '../../ports/flag-store';
import { CHANGE_CHANNEL } from './change-channel';
import { forgetExpiredDeliveries, recordDelivery } from './delivery-work';
import type { SqlContext } from './sql-context';
import { batches, query, type Row, type Statement, type Work } from './sql-work';
import { toUtcText } from './utc-text';

type Steps<T> = Generator<Statement, T, Row[]>;

/**
 * Bounds on one multi-row statement: well under every driver's parameter and packet limits. A
 * row over CHARS_PER_INSERT goes alone; the largest, a change-log row holding a definition's text
 * before and after, is what MySQL's `max_allowed_packet` must hold (README).
 */
const ROWS_PER_INSERT = 100;
const CHARS_PER_INSERT = 1_000_000;
const KEYS_PER_IN = 500;

interface DefinitionTable {
  kind: 'flag' | 'evaluator';
  table: string;
  keyColumn: string;
  upserts: StoredDefinition[];
  deletes: string[];
}

const placeholders = (count: number) => Array.from({ length: count }, () => '?').join(', ');

function refused(value: ChangeDecision): { value: ChangeDecision; commit: false } {
  return { value, commit: false };
}

function* storedDefinitions(
  { dialect }: SqlContext,
  target: DefinitionTable,
  keys: string[],
): Steps<Map<string, string>> {
  const q = dialect.quote;
  const stored = new Map<string, string>();
  for (const part of batches(keys, KEYS_PER_IN, Number.POSITIVE_INFINITY, () => 0)) {
    const rows = yield* query(
      `SELECT ${q(target.keyColumn)} AS k, ${q('definition')} AS d FROM ${target.table} ` +
        `WHERE ${q(target.keyColumn)} IN (${placeholders(part.length)})`,
      part,
    );
    for (const row of rows) stored.set(String(row.k), String(row.d));
  }
  return stored;
}

function* writeDefinitions(
  context: SqlContext,
  target: DefinitionTable,
  revision: number,
  at: string,
): Steps<ChangeEntry[]> {
  const q = context.dialect.quote;
  const key = q(target.keyColumn);
  const keys = [...target.upserts.map((entry) => entry.key), ...target.deletes];
  if (keys.length === 0) return [];
  const stored = yield* storedDefinitions(context, target, keys);
  const entries = changeEntries(target.kind, stored, target.upserts, target.deletes);

  const inserts = entries.filter((entry) => entry.before === null);
  const updates = entries.filter((entry) => entry.before !== null && entry.after !== null);
  const deletes = entries.filter((entry) => entry.after === null);
  const size = (entry: ChangeEntry) => entry.after?.length ?? 0;
  for (const batch of batches(inserts, ROWS_PER_INSERT, CHARS_PER_INSERT, size)) {
    yield* query(
      `INSERT INTO ${target.table} (${key}, ${q('definition')}, ${q('revision')}, ${q('updated_at')}) ` +
        `VALUES ${batch.map(() => '(?, ?, ?, ?)').join(', ')}`,
      batch.flatMap((entry) => [entry.key, entry.after, revision, at]),
    );
  }
  for (const entry of updates) {
    yield* query(
      `UPDATE ${target.table} SET ${q('definition')} = ?, ${q('revision')} = ?, ` +
        `${q('updated_at')} = ? WHERE ${key} = ?`,
      [entry.after, revision, at, entry.key],
    );
  }
  for (const batch of batches(deletes, KEYS_PER_IN, Number.POSITIVE_INFINITY, () => 0)) {
    yield* query(
      `DELETE FROM ${target.table} WHERE ${key} IN (${placeholders(batch.length)})`,
      batch.map((entry) => entry.key),
    );
  }
  return entries;
}

function* logChanges(
  { dialect, tables }: SqlContext,
  entries: ChangeEntry[],
  change: FlagSetChange,
  at: string,
): Steps<void> {
  const columns = [
    'revision',
    'kind',
    'key',
    'before',
    'after',
    'actor',
    'delivery_id',
    'changed_at',
  ];
  const size = (entry: ChangeEntry) => (entry.before?.length ?? 0) + (entry.after?.length ?? 0);
  for (const batch of batches(entries, ROWS_PER_INSERT, CHARS_PER_INSERT, size)) {
    yield* query(
      `INSERT INTO ${tables.change} (${columns.map(dialect.quote).join(', ')}) ` +
        `VALUES ${batch.map(() => `(${placeholders(columns.length)})`).join(', ')}`,
      batch.flatMap((entry) => [
        change.revision,
        entry.kind,
        entry.key,
        entry.before,
        entry.after,
        change.actor ?? null,
        change.delivery?.id ?? null,
        at,
      ]),
    );
  }
}

/**
 * Applies a change: queue on the state row, refuse a replayed delivery or a stale base revision,
 * record the delivery, write what changed and log it, move the state row on. Runs inside one
 * transaction; returning `commit: false` rolls everything back.
 * @internal
 */
export function* applyWork(context: SqlContext, change: FlagSetChange): Work<ChangeDecision> {
  const { dialect, tables } = context;
  const q = dialect.quote;
  const at = toUtcText(change.at);

  // The state row is what every writer locks. Creating it here, inside the transaction, means a
  // first change that is refused leaves no row behind; writers racing to create it queue on the
  // key, and the losers then find it at the winner's revision.
  yield* query(
    dialect.insertMissing(
      tables.state,
      ['id', 'revision', 'checksum', 'metadata', 'updated_at'],
      'id',
    ),
    [1, 0, '', null, at],
  );
  const [state] = yield* query(
    `SELECT ${q('revision')} AS revision, ${q('metadata')} AS metadata FROM ${tables.state} ` +
      `WHERE ${q('id')} = 1${dialect.lockSuffix}`,
  );
  const revision = Number(state.revision);
  const storedMetadata = state.metadata === null ? null : String(state.metadata);

  if (change.delivery !== undefined) {
    // Checked before the revision: a delivery seen before is `replayed` whatever its base. The
    // insert's unique key is the backstop for a writer that did not queue on the state row.
    if (!(yield* recordDelivery(context, change.delivery, at))) {
      return refused({ status: 'replayed' });
    }
  }
  if (revision !== change.baseRevision) {
    return refused({ status: 'conflict', currentRevision: revision });
  }
  yield* forgetExpiredDeliveries(context, at);

  const flags = yield* writeDefinitions(
    context,
    {
      kind: 'flag',
      table: tables.definition,
      keyColumn: 'key',
      upserts: change.upsertFlags,
      deletes: change.deleteFlags,
    },
    change.revision,
    at,
  );
  const evaluators = yield* writeDefinitions(
    context,
    {
      kind: 'evaluator',
      table: tables.evaluator,
      keyColumn: 'name',
      upserts: change.upsertEvaluators,
      deletes: change.deleteEvaluators,
    },
    change.revision,
    at,
  );
  const entries = [...flags, ...evaluators, ...metadataEntry(storedMetadata, change.metadata)];
  yield* logChanges(context, entries, change, at);

  const metadata = change.metadata === undefined ? storedMetadata : change.metadata;
  yield* query(
    `UPDATE ${tables.state} SET ${q('revision')} = ?, ${q('checksum')} = ?, ${q('metadata')} = ?, ` +
      `${q('updated_at')} = ? WHERE ${q('id')} = 1`,
    [change.revision, change.checksum, metadata, at],
  );
  if (dialect.name === 'postgres') {
    // Delivered to every listening instance when, and only if, the transaction commits.
    yield* query('SELECT pg_notify(?, ?)', [CHANGE_CHANNEL, tables.state]);
  }
  return { value: appliedOutcome(entries), commit: true };
}
