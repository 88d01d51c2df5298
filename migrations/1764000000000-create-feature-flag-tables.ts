import {
  type MigrationInterface,
  type QueryRunner,
  Table,
  TableIndex,
  type TableOptions,
} from 'typeorm';
import { flagTableName, MigrationColumns } from './migration-columns';

const TABLES = [
  'feature_flag_definition',
  'feature_flag_evaluator',
  'feature_flag_state',
  'feature_flag_change',
  'feature_flag_delivery',
] as const;

/**
 * Creates the five flag tables. Later features add tables in migrations of their own.
 * @publicApi
 */
export class CreateFeatureFlagTables1764000000000 implements MigrationInterface {
  name = 'CreateFeatureFlagTables1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = await MigrationColumns.for(queryRunner);
    const table = (name: (typeof TABLES)[number], options: Omit<TableOptions, 'name'>) =>
      queryRunner.createTable(new Table({ name: flagTableName(queryRunner, name), ...options }));

    await table('feature_flag_definition', {
      columns: [
        c.key('key', { isPrimary: true }),
        c.text('definition'),
        c.int('revision'),
        c.instant('updated_at'),
      ],
    });
    await table('feature_flag_evaluator', {
      columns: [
        c.key('name', { isPrimary: true }),
        c.text('definition'),
        c.int('revision'),
        c.instant('updated_at'),
      ],
    });
    await table('feature_flag_state', {
      columns: [
        c.int('id', { isPrimary: true }),
        c.int('revision'),
        c.varchar('checksum', 64),
        c.text('metadata', { isNullable: true }),
        c.instant('updated_at'),
      ],
    });
    await table('feature_flag_change', {
      columns: [
        c.int('id', { isPrimary: true, isGenerated: true, generationStrategy: 'increment' }),
        c.int('revision'),
        c.varchar('kind', 16),
        c.key('key'),
        c.text('before', { isNullable: true }),
        c.text('after', { isNullable: true }),
        c.key('actor', { isNullable: true }),
        c.key('delivery_id', { isNullable: true }),
        c.instant('changed_at'),
      ],
      indices: [
        new TableIndex({ name: 'IDX_feature_flag_change_revision', columnNames: ['revision'] }),
      ],
    });
    await table('feature_flag_delivery', {
      columns: [
        c.key('id', { isPrimary: true }),
        c.instant('received_at'),
        c.instant('expires_at'),
      ],
      indices: [
        new TableIndex({
          name: 'IDX_feature_flag_delivery_expires_at',
          columnNames: ['expires_at'],
        }),
      ],
    });
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const name of [...TABLES].reverse()) {
      await queryRunner.dropTable(flagTableName(queryRunner, name));
    }
  }
}
