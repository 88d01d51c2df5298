import { IsInt, Max, Min } from 'class-validator';
import { Optional } from './validate-dto';
import { STORE_LIMITS } from '../../ports/store-limits';
import { MAX_USAGE_DAYS } from '../../staleness/usage-report.types';

/** The largest page of the change log one request reads. @internal */
export const MAX_AUDIT_PAGE = 1000;

const AFTER = `after is a change id, a whole number from 0 to ${STORE_LIMITS.maxRevision}`;
const LIMIT = `limit is a number of changes from 1 to ${MAX_AUDIT_PAGE}`;
const DAYS = `days is a number of days from 1 to ${MAX_USAGE_DAYS}`;

/** The query of `GET {webhookPath}/audit`. @internal */
export class AuditQueryDto {
  // Change ids are the log's integer key, like revisions: a larger one cannot exist.
  @Optional()
  @IsInt({ message: AFTER })
  @Min(0, { message: AFTER })
  @Max(STORE_LIMITS.maxRevision, { message: AFTER })
  after?: number;

  @Optional()
  @IsInt({ message: LIMIT })
  @Min(1, { message: LIMIT })
  @Max(MAX_AUDIT_PAGE, { message: LIMIT })
  limit?: number;
}

/** The query of `GET {webhookPath}/usage`. @internal */
export class UsageQueryDto {
  @Optional()
  @IsInt({ message: DAYS })
  @Min(1, { message: DAYS })
  @Max(MAX_USAGE_DAYS, { message: DAYS })
  days?: number;
}

/**
 * The named query parameters as numbers: digits only (`1e3`, `0x10`, ` 5` and `` are not numbers
 * here), NaN for anything else so that validation names it; absent ones stay absent and others
 * are ignored, as cache-busting parameters should be.
 * @internal
 */
export function numericQuery(
  query: Record<string, unknown> | undefined,
  names: readonly string[],
): Record<string, number> {
  const numbers: Record<string, number> = {};
  for (const name of names) {
    const value = query?.[name];
    if (value === undefined) continue;
    numbers[name] = typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : NaN;
  }
  return numbers;
}
