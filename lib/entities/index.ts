import { FlagChangeEntity } from './flag-change.entity';
import { FlagDefinitionEntity } from './flag-definition.entity';
import { FlagDeliveryEntity } from './flag-delivery.entity';
import { FlagEvaluatorEntity } from './flag-evaluator.entity';
import { FlagStateEntity } from './flag-state.entity';
import { FlagUsageEntity } from './flag-usage.entity';

export {
  FlagChangeEntity,
  FlagDefinitionEntity,
  FlagDeliveryEntity,
  FlagEvaluatorEntity,
  FlagStateEntity,
  FlagUsageEntity,
};

/**
 * Every entity the flag tables need: add them to the DataSource's `entities`.
 *
 * @example
 * TypeOrmModule.forRoot({ ..., entities: [...FLAG_ENTITIES], migrations: [...FLAG_MIGRATIONS] })
 * @publicApi
 */
export const FLAG_ENTITIES = [
  FlagDefinitionEntity,
  FlagEvaluatorEntity,
  FlagStateEntity,
  FlagChangeEntity,
  FlagDeliveryEntity,
  FlagUsageEntity,
] as const;
