import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';
import { flagTableName, MigrationColumns } from './migration-columns';

/**
 * Creates `feature_flag_usage`, where instances add up how often each flag was evaluated, per
 * variant and UTC day.
 * @publicApi
 */
export class CreateFeatureFlagUsageTable1765000000000 implements MigrationInterface {
  name = 'CreateFeatureFlagUsageTable1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = await MigrationColumns.for(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: flagTableName(queryRunner, 'feature_flag_usage'),
        columns: [
          c.key('flag_key', { isPrimary: true }),
          c.key('variant', { isPrimary: true }),
          c.varchar('day', 10, { isPrimary: true }),
          c.bigint('count'),
          c.instant('last_evaluated_at'),
        ],
        indices: [new TableIndex({ name: 'IDX_feature_flag_usage_day', columnNames: ['day'] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable(flagTableName(queryRunner, 'feature_flag_usage'));
  }
}
