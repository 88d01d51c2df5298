import { BaseEntity, type DataSource } from 'typeorm';
import { MYSQL_TEXT_TYPE, TEXT_COLUMN } from './entity-columns';

/**
 * What the flag entities extend, for one reason: on MySQL/MariaDB their TEXT_COLUMN columns are
 * `mediumtext`. TypeORM declares one column type for every database, but it hands each DataSource
 * to the BaseEntity classes it registers right after building their metadata, and before it
 * synchronizes, compares or migrates anything: the type is set there, per DataSource, so a MySQL
 * schema made by FLAG_MIGRATIONS is exactly what TypeORM expects (the migration tests check it on
 * each database). Without it, `synchronize` or a generated migration would turn the columns back
 * into `text`, which TypeORM does on MySQL by dropping and re-adding them, emptied.
 * @internal
 */
export abstract class FlagTableEntity extends BaseEntity {
  static override useDataSource(dataSource: DataSource | null): void {
    super.useDataSource(dataSource);
    const type = dataSource?.options.type;
    if (dataSource === null || (type !== 'mysql' && type !== 'mariadb')) return;
    for (const column of dataSource.getMetadata(this).columns) {
      if (column.type === TEXT_COLUMN.type) column.type = MYSQL_TEXT_TYPE;
    }
  }
}
