/**
 * What a flag is for (metadata `type`), which decides how long it may go without evaluations.
 * @publicApi
 */
export type FlagType = 'release' | 'experiment' | 'operational' | 'permission';

/**
 * Days without evaluations after which a flag of each type is stale; null: never. A release or
 * an experiment is temporary by nature; an operational flag (kill switch, circuit breaker) must
 * stay exercised to be trusted in an incident; a permission flag may rightly sit idle for months.
 * @publicApi
 */
export const DEFAULT_STALE_AFTER_DAYS: Readonly<Record<FlagType, number | null>> = {
  release: 40,
  experiment: 40,
  operational: 7,
  permission: null,
};

/** A lifecycle field of a flag's metadata that cannot be used as written. @publicApi */
export interface LifecycleProblem {
  field: 'expiresAt' | 'staleAfterDays';
  /** The value as written. */
  value: unknown;
  /** What is wrong and how to write it. */
  message: string;
}

/** The lifecycle fields of a flag's metadata, read with their defaults. @publicApi */
export interface FlagLifecycle {
  /** `release` when `type` is missing or not one of the four known types. */
  type: FlagType;
  /** `expiresAt` as an instant (a date alone means 00:00 UTC that day); absent or invalid: none. */
  expiresAt?: Date;
  /** `expiresAt` as written, when it is a valid date. */
  expiresAtText?: string;
  /** Days without evaluations before the flag is stale; null: never. */
  staleAfterDays: number | null;
  /** Where `staleAfterDays` comes from: the metadata, or the type's default. */
  staleAfterDaysFrom: 'metadata' | 'type';
  /** Fields that are present but unusable; each falls back as if it were absent. */
  problems: LifecycleProblem[];
}

const TYPES = new Set<string>(Object.keys(DEFAULT_STALE_AFTER_DAYS));

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:(Z)|([+-])(\d{2}):(\d{2}))$/i;

/**
 * An ISO 8601 date (`2027-03-01`, meaning 00:00 UTC) or date-time with a time zone
 * (`2027-03-01T12:00:00Z`, `2027-03-01T12:00+02:00`), checked field by field: `Date.parse` would
 * roll 2027-02-30 over to March and read a date-time without a zone in the machine's local time.
 */
export function parseIsoInstant(text: string): Date | undefined {
  const date = DATE.exec(text);
  const dateTime = date === null ? DATE_TIME.exec(text) : null;
  const parts = date ?? dateTime;
  if (parts === null) return undefined;
  const [year, month, day] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  calendar.setUTCFullYear(year); // Date.UTC maps years 0-99 to 1900-1999
  if (
    calendar.getUTCFullYear() !== year ||
    calendar.getUTCMonth() !== month - 1 ||
    calendar.getUTCDate() !== day
  ) {
    return undefined;
  }
  if (dateTime === null) return calendar;
  const [hours, minutes, seconds] = [4, 5, 6].map((i) => Number(dateTime[i] ?? 0));
  const millis = Number((dateTime[7] ?? '').padEnd(3, '0').slice(0, 3));
  const sign = dateTime[9] === '-' ? -1 : 1;
  const [offsetHours, offsetMinutes] = [10, 11].map((i) => Number(dateTime[i] ?? 0));
  if (hours > 23 || minutes > 59 || seconds > 59 || offsetHours > 23 || offsetMinutes > 59) {
    return undefined;
  }
  const offset = sign * (offsetHours * 60 + offsetMinutes) * 60_000;
  return new Date(
    calendar.getTime() + ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis - offset,
  );
}

function readExpiresAt(value: unknown, lifecycle: FlagLifecycle): void {
  if (value === undefined) return;
  const at = typeof value === 'string' ? parseIsoInstant(value.trim()) : undefined;
  if (at === undefined) {
    lifecycle.problems.push({
      field: 'expiresAt',
      value,
      message:
        `metadata.expiresAt ${JSON.stringify(value)} is not an ISO 8601 date: write a date ` +
        '("2027-03-01", meaning 00:00 UTC) or a date-time with a time zone ("2027-03-01T12:00:00Z")',
    });
    return;
  }
  lifecycle.expiresAt = at;
  lifecycle.expiresAtText = (value as string).trim();
}

function readStaleAfterDays(value: unknown, lifecycle: FlagLifecycle): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    lifecycle.problems.push({
      field: 'staleAfterDays',
      value,
      message:
        `metadata.staleAfterDays ${JSON.stringify(value)} is not a whole number of days: write a ` +
        `number such as 90 (0: never stale); the ${lifecycle.type} default ` +
        `(${lifecycle.staleAfterDays ?? 'never'}) applies meanwhile`,
    });
    return;
  }
  lifecycle.staleAfterDays = value === 0 ? null : value;
  lifecycle.staleAfterDaysFrom = 'metadata';
}

/**
 * Reads `type`, `expiresAt` and `staleAfterDays` from a flag's metadata. Never throws: an
 * unusable field is listed in `problems` and treated as absent.
 *
 * @example
 * readFlagLifecycle({ type: 'operational', expiresAt: '2027-03-01' });
 * // { type: 'operational', expiresAt: 2027-03-01T00:00:00.000Z, expiresAtText: '2027-03-01',
 * //   staleAfterDays: 7, staleAfterDaysFrom: 'type', problems: [] }
 * @publicApi
 */
export function readFlagLifecycle(
  metadata: Readonly<Record<string, unknown>> | undefined,
): FlagLifecycle {
  const declared = metadata?.type;
  const type =
    typeof declared === 'string' && TYPES.has(declared) ? (declared as FlagType) : 'release';
  const lifecycle: FlagLifecycle = {
    type,
    staleAfterDays: DEFAULT_STALE_AFTER_DAYS[type],
    staleAfterDaysFrom: 'type',
    problems: [],
  };
  readExpiresAt(metadata?.expiresAt, lifecycle);
  readStaleAfterDays(metadata?.staleAfterDays, lifecycle);
  return lifecycle;
}
