import { CreateFeatureFlagTables1764000000000 } from './1764000000000-create-feature-flag-tables';
import { CreateFeatureFlagUsageTable1765000000000 } from './1765000000000-create-feature-flag-usage-table';
import { WidenFlagDefinitionsAndIndexChangeTimes1766000000000 } from './1766000000000-widen-flag-definitions-and-index-change-times';

export {
  CreateFeatureFlagTables1764000000000,
  CreateFeatureFlagUsageTable1765000000000,
  WidenFlagDefinitionsAndIndexChangeTimes1766000000000,
};

/**
 * The migrations that create (and later evolve) the flag tables, oldest first. Add them to the
 * DataSource's `migrations` and run them as you run your own.
 *
 * @example
 * TypeOrmModule.forRoot({
 *   ...,
 *   entities: [...FLAG_ENTITIES],
 *   migrations: [...FLAG_MIGRATIONS],
 *   migrationsRun: true,
 * })
 * @publicApi
 */
export const FLAG_MIGRATIONS = [
  CreateFeatureFlagTables1764000000000,
  CreateFeatureFlagUsageTable1765000000000,
  WidenFlagDefinitionsAndIndexChangeTimes1766000000000,
] as const;
