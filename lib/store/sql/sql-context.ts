import type { FlagTables } from './flag-tables';
import type { SqlDialect } from './sql-dialect';

/** Everything a unit of work needs to write its SQL. @internal */
export interface SqlContext {
  dialect: SqlDialect;
  tables: FlagTables;
}
