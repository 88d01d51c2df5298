import type { FlagType } from './flag-lifecycle';
import { utcDay } from './utc-days';

/**
 * Why a flag is reported:
 * - `expired`: its metadata `expiresAt` has passed.
 * - `unused`: not evaluated for its `staleAfterDays` (by default from its `type`).
 * - `launched`: one variant served to every evaluation for 7 days: ready for removal.
 * - `missing`: evaluated, or named in code, but not in the store (a typo, or removed while in use).
 * - `unreferenced`: in the store, named nowhere in the scanned source.
 * - `invalid-metadata`: `expiresAt` or `staleAfterDays` cannot be read.
 * @publicApi
 */
export type StaleReasonCode =
  'expired' | 'unused' | 'launched' | 'missing' | 'unreferenced' | 'invalid-metadata';

/** Every reason code, in the order reasons are listed. @publicApi */
export const STALE_REASON_CODES: readonly StaleReasonCode[] = [
  'missing',
  'invalid-metadata',
  'expired',
  'launched',
  'unused',
  'unreferenced',
];

/**
 * One reason a flag is reported: a machine-readable `code`, the facts behind it, and a `message`
 * for a person saying what to do.
 * @publicApi
 */
export type StaleReason =
  | { code: 'expired'; message: string; expiresAt: string }
  | {
      code: 'unused';
      message: string;
      /** Whole days since the later of the last evaluation and the last change. */
      idleDays: number;
      staleAfterDays: number;
      lastEvaluatedAt: string | null;
    }
  | { code: 'launched'; message: string; variant: string; evaluations: number }
  | { code: 'missing'; message: string; evaluated: boolean; referenced: boolean }
  | { code: 'unreferenced'; message: string; evaluations: number }
  | {
      code: 'invalid-metadata';
      message: string;
      field: 'expiresAt' | 'staleAfterDays';
      value: unknown;
    };

const REMOVE = 'remove the flag from code, then from the store';

export function expiredReason(expiresAt: string): StaleReason {
  return {
    code: 'expired',
    expiresAt,
    message: `expired on ${expiresAt} (metadata.expiresAt): ${REMOVE}; or set a later expiresAt if it must stay`,
  };
}

export function unusedReason(facts: {
  type: FlagType;
  idleDays: number;
  staleAfterDays: number;
  staleAfterDaysFrom: 'metadata' | 'type';
  lastEvaluatedAt: Date | null;
}): StaleReason {
  const limit =
    facts.staleAfterDaysFrom === 'metadata'
      ? `metadata.staleAfterDays is ${facts.staleAfterDays}`
      : `a ${facts.type} flag is stale after ${facts.staleAfterDays}`;
  const idle =
    facts.lastEvaluatedAt === null
      ? `never evaluated, and unchanged for ${facts.idleDays} days`
      : `not evaluated for ${facts.idleDays} days (last on ${utcDay(facts.lastEvaluatedAt)})`;
  return {
    code: 'unused',
    idleDays: facts.idleDays,
    staleAfterDays: facts.staleAfterDays,
    lastEvaluatedAt: facts.lastEvaluatedAt?.toISOString() ?? null,
    message:
      `${idle}; ${limit}: if no code path needs it any more, ${REMOVE}; ` +
      'if it is rarely but really used, raise metadata.staleAfterDays (0: never stale)',
  };
}

export function launchedReason(
  variant: string,
  evaluations: number,
  days: number,
  unchangedSince: Date,
): StaleReason {
  return {
    code: 'launched',
    variant,
    evaluations,
    message:
      `served variant "${variant}" to all ${evaluations} evaluations of the last ${days} days, ` +
      `unchanged since ${utcDay(unchangedSince)}: launched; make "${variant}" ` +
      `the only code path, then remove the flag from the store`,
  };
}

export function missingReason(
  evaluations: number,
  since: string,
  referenced: boolean,
): StaleReason {
  const facts = [
    ...(evaluations > 0 ? [`evaluated ${evaluations} times since ${since}`] : []),
    ...(referenced ? ['named in code'] : []),
  ].join(' and ');
  return {
    code: 'missing',
    evaluated: evaluations > 0,
    referenced,
    message:
      `${facts} but not in the store, so every call gets its code default: fix the key in code ` +
      'if it is a typo; add the flag to the store if it is still needed; else remove it from code',
  };
}

export function unreferencedReason(evaluations: number, since: string): StaleReason {
  const yet =
    evaluations > 0
      ? `; yet it was evaluated ${evaluations} times since ${since}, so something uses it ` +
        '(a key built at run time, evaluateAll(), or another application sharing the store): ' +
        'find it first'
      : '';
  return {
    code: 'unreferenced',
    evaluations,
    message:
      'in the store but named nowhere in the scanned source: remove it from the store, after ' +
      `checking other code that uses this store${yet}`,
  };
}

export function invalidMetadataReason(
  field: 'expiresAt' | 'staleAfterDays',
  value: unknown,
  problem: string,
): StaleReason {
  return {
    code: 'invalid-metadata',
    field,
    value,
    message: `${problem}; fix it in the flag file and push it`,
  };
}
