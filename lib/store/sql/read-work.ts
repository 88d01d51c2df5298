import type {
  ChangeRecord,
  StoredDefinition,
  StoredFlagSet,
  StoreState,
} from '../../ports/flag-store';
import type { SqlContext } from './sql-context';
import { query, type Row, type Work } from './sql-work';
import { fromUtcText } from './utc-text';

const EMPTY_STATE: StoreState = { revision: 0, checksum: '', updatedAt: null };

const text = (value: unknown) => (value === null || value === undefined ? null : String(value));

function* stateRow({ dialect, tables }: SqlContext) {
  const q = dialect.quote;
  const [row] = yield* query(
    `SELECT ${q('revision')} AS revision, ${q('checksum')} AS checksum, ` +
      `${q('metadata')} AS metadata, ${dialect.instantText(q('updated_at'))} AS updated_at ` +
      `FROM ${tables.state} WHERE ${q('id')} = 1`,
  );
  return row as Row | undefined;
}

function toState(row: Row | undefined): StoreState {
  if (row === undefined) return { ...EMPTY_STATE };
  return {
    revision: Number(row.revision),
    checksum: String(row.checksum),
    updatedAt: fromUtcText(row.updated_at),
  };
}

function* definitions({ dialect }: SqlContext, table: string, keyColumn: string) {
  const q = dialect.quote;
  const rows = yield* query(
    `SELECT ${q(keyColumn)} AS k, ${q('definition')} AS d, ` +
      `${dialect.instantText(q('updated_at'))} AS updated_at FROM ${table}`,
  );
  // Sorted here rather than by ORDER BY, whose order follows each database's collation.
  return rows
    .map((row): StoredDefinition => ({
      key: String(row.k),
      definition: String(row.d),
      updatedAt: fromUtcText(row.updated_at),
    }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** The state row alone. @internal */
export function* stateWork(context: SqlContext): Work<StoreState> {
  return { value: toState(yield* stateRow(context)), commit: true };
}

/** Everything, read in one transaction so the parts agree. @internal */
export function* loadWork(context: SqlContext): Work<StoredFlagSet> {
  const row = yield* stateRow(context);
  const flags = yield* definitions(context, context.tables.definition, 'key');
  const evaluators = yield* definitions(context, context.tables.evaluator, 'name');
  return {
    value: { ...toState(row), metadata: text(row?.metadata), flags, evaluators },
    commit: true,
  };
}

/** A page of the change log, oldest first: after a change id, or after a revision. @internal */
export function* changesWork(
  { dialect, tables }: SqlContext,
  after: { id: number } | { revision: number },
  limit: number,
): Work<ChangeRecord[]> {
  const q = dialect.quote;
  const [column, value] = 'id' in after ? ['id', after.id] : ['revision', after.revision];
  const rows = yield* query(
    `SELECT ${q('id')} AS id, ${q('revision')} AS revision, ${q('kind')} AS kind, ` +
      `${q('key')} AS k, ${q('before')} AS before_text, ${q('after')} AS after_text, ` +
      `${q('actor')} AS actor, ${q('delivery_id')} AS delivery_id, ` +
      `${dialect.instantText(q('changed_at'))} AS changed_at ` +
      `FROM ${tables.change} WHERE ${q(column)} > ? ORDER BY ${q('id')} LIMIT ?`,
    [value, limit],
  );
  const records = rows.map((row): ChangeRecord => ({
    id: Number(row.id),
    revision: Number(row.revision),
    kind: String(row.kind) as ChangeRecord['kind'],
    key: String(row.k),
    before: text(row.before_text),
    after: text(row.after_text),
    actor: text(row.actor),
    deliveryId: text(row.delivery_id),
    at: fromUtcText(row.changed_at),
  }));
  return { value: records, commit: true };
}
