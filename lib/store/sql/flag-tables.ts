import type { DataSource, EntityTarget } from 'typeorm';
import {
  FlagChangeEntity,
  FlagDefinitionEntity,
  FlagDeliveryEntity,
  FlagEvaluatorEntity,
  FlagStateEntity,
  FlagUsageEntity,
} from '../../entities';
import type { SqlDialect } from './sql-dialect';

/** The quoted, schema-qualified names of the flag tables. @internal */
export interface FlagTables {
  definition: string;
  evaluator: string;
  state: string;
  change: string;
  delivery: string;
  usage: string;
}

function tablePath(
  dataSource: DataSource,
  dialect: SqlDialect,
  entity: EntityTarget<unknown>,
  name: string,
): string {
  // From the entity metadata when the host registered FLAG_ENTITIES, so `schema` and
  // `entityPrefix` apply exactly as TypeORM applies them; the same rules by hand otherwise.
  const metadata = dataSource.hasMetadata(entity) ? dataSource.getMetadata(entity) : undefined;
  const { entityPrefix } = dataSource.options;
  const table =
    metadata?.tableName ??
    (entityPrefix ? dataSource.namingStrategy.prefixTableName(entityPrefix, name) : name);
  const defaultSchema =
    dialect.name === 'postgres' ? (dataSource.options as { schema?: string }).schema : undefined;
  const schema = metadata ? metadata.schema : defaultSchema;
  return [schema, table]
    .filter((part): part is string => part !== undefined && part !== '')
    .map((part) => dialect.quote(part))
    .join('.');
}

/** Resolves the flag tables of a DataSource. @internal */
export function flagTables(dataSource: DataSource, dialect: SqlDialect): FlagTables {
  const path = (entity: EntityTarget<unknown>, name: string) =>
    tablePath(dataSource, dialect, entity, name);
  return {
    definition: path(FlagDefinitionEntity, 'feature_flag_definition'),
    evaluator: path(FlagEvaluatorEntity, 'feature_flag_evaluator'),
    state: path(FlagStateEntity, 'feature_flag_state'),
    change: path(FlagChangeEntity, 'feature_flag_change'),
    delivery: path(FlagDeliveryEntity, 'feature_flag_delivery'),
    usage: path(FlagUsageEntity, 'feature_flag_usage'),
  };
}
