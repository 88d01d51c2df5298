import {
  type MigrationInterface,
  type QueryRunner,
  type TableColumnOptions,
  TableIndex,
} from 'typeorm';
import { familyOf, flagTableName, MigrationColumns } from './migration-columns';

const NAME = 'WidenFlagDefinitionsAndIndexChangeTimes1766000000000';

const CHANGE_TIME_INDEX = 'IDX_feature_flag_change_changed_at';

/** The bytes MySQL's `text` holds. */
const MYSQL_TEXT_BYTES = 65_535;

/** The JSON text columns, each with its table and whether it may be null. */
const TEXT_COLUMNS = [
  { table: 'feature_flag_definition', column: 'definition', nullable: false },
  { table: 'feature_flag_evaluator', column: 'definition', nullable: false },
  { table: 'feature_flag_state', column: 'metadata', nullable: true },
  { table: 'feature_flag_change', column: 'before', nullable: true },
  { table: 'feature_flag_change', column: 'after', nullable: true },
] as const;

type TextColumn = (name: string, extra: Partial<TableColumnOptions>) => TableColumnOptions;

/**
 * On MySQL, gives the JSON text columns the type `textColumn` makes, one ALTER per table. MODIFY
 * keeps the data: TypeORM's changeColumn would drop and re-add a column whose type changes.
 */
async function retype(queryRunner: QueryRunner, textColumn: TextColumn): Promise<void> {
  if (familyOf(queryRunner) !== 'mysql') return;
  const q = (name: string) => queryRunner.connection.driver.escape(name);
  for (const table of new Set(TEXT_COLUMNS.map((entry) => entry.table))) {
    const clauses = TEXT_COLUMNS.filter((entry) => entry.table === table).map((entry) => {
      const { type, charset, collation } = textColumn(entry.column, {});
      const collate = collation === undefined ? '' : ` COLLATE ${collation}`;
      const nullable = entry.nullable ? 'NULL' : 'NOT NULL';
      return `MODIFY ${q(entry.column)} ${type} CHARACTER SET ${charset}${collate} ${nullable}`;
    });
    await queryRunner.query(
      `ALTER TABLE ${q(flagTableName(queryRunner, table))} ${clauses.join(', ')}`,
    );
  }
}

/**
 * On MySQL, refuses to narrow the columns back to `text` while one holds a longer value, which a
 * server not in strict mode would cut short without a word.
 */
async function assertFitsText(queryRunner: QueryRunner): Promise<void> {
  if (familyOf(queryRunner) !== 'mysql') return;
  const q = (name: string) => queryRunner.connection.driver.escape(name);
  for (const { table, column } of TEXT_COLUMNS) {
    const name = flagTableName(queryRunner, table);
    const [row] = await queryRunner.query(`SELECT MAX(LENGTH(${q(column)})) AS n FROM ${q(name)}`);
    const longest = Number(row?.n ?? 0);
    if (longest > MYSQL_TEXT_BYTES) {
      throw new Error(
        `Cannot undo ${NAME}: ${name}.${column} holds a value of ${longest} bytes, and MySQL's ` +
          `text holds ${MYSQL_TEXT_BYTES}. Replace the larger definitions with smaller ones and ` +
          'delete the change-log entries holding them (FlagStore.forgetChanges()), then undo again.',
      );
    }
  }
}

/**
 * Lets one definition hold up to 16 MiB on MySQL/MariaDB, whose `text` holds 65,535 bytes: the
 * JSON text columns (definitions, the change log's before and after, the flag set's metadata)
 * become `mediumtext`, data kept; nothing changes there on PostgreSQL and SQLite, whose `text` is
 * unbounded. Also indexes the change log's `changed_at`, by which retention deletes old entries.
 * @publicApi
 */
export class WidenFlagDefinitionsAndIndexChangeTimes1766000000000 implements MigrationInterface {
  name = NAME;

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = await MigrationColumns.for(queryRunner);
    await retype(queryRunner, (name, extra) => c.largeText(name, extra));
    await queryRunner.createIndex(
      flagTableName(queryRunner, 'feature_flag_change'),
      new TableIndex({ name: CHANGE_TIME_INDEX, columnNames: ['changed_at'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const c = await MigrationColumns.for(queryRunner);
    await assertFitsText(queryRunner);
    await queryRunner.dropIndex(
      flagTableName(queryRunner, 'feature_flag_change'),
      CHANGE_TIME_INDEX,
    );
    await retype(queryRunner, (name, extra) => c.text(name, extra));
  }
}
