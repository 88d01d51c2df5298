import type { FlagSetChange, StoredDefinition } from '../ports/flag-store';
import type { DeliveryRecord } from '../ports/delivery-ledger';
import type { UsageCount } from '../ports/usage-store';
import { InvalidChangeError } from '../ports/invalid-change.error';
import { STORE_LIMITS } from '../ports/store-limits';
import { usageKey } from './usage-counts';

function invalid(message: string): never {
  throw new InvalidChangeError(message);
}

/** What keeps `text` from being stored exactly, or undefined. */
function textProblem(text: unknown, maxBytes: number): string | undefined {
  if (typeof text !== 'string') return 'must be a string';
  // PostgreSQL text cannot hold U+0000, and a lone surrogate has no UTF-8 form: neither would
  // read back as written, so no store accepts them.
  if (text.includes('\u0000')) return 'contains U+0000';
  if (/\p{Cs}/u.test(text)) return 'contains an unpaired UTF-16 surrogate';
  if (maxBytes !== Number.POSITIVE_INFINITY && Buffer.byteLength(text, 'utf8') > maxBytes) {
    return `is ${Buffer.byteLength(text, 'utf8')} bytes, over the ${maxBytes} a store holds`;
  }
  return undefined;
}

/** What keeps `name` from being stored in a key column, or undefined. */
function nameProblem(name: unknown, maxLength: number): string | undefined {
  const problem = textProblem(name, Number.POSITIVE_INFINITY);
  if (problem !== undefined) return problem;
  // Columns count characters (code points), not UTF-16 units.
  if ((name as string).length > maxLength && [...(name as string)].length > maxLength) {
    return `is longer than ${maxLength} characters`;
  }
  return undefined;
}

function checkText(what: string, text: unknown, maxBytes: number): void {
  const problem = textProblem(text, maxBytes);
  if (problem !== undefined) invalid(`${what} ${problem}`);
}

function checkName(what: string, name: unknown, maxLength: number = STORE_LIMITS.keyLength): void {
  const problem = nameProblem(name, maxLength);
  if (problem !== undefined) invalid(`${what} ${problem}`);
}

function checkRevision(what: string, revision: unknown): void {
  if (!Number.isInteger(revision) || (revision as number) < 0) {
    invalid(`${what} must be a non-negative integer`);
  }
  if ((revision as number) > STORE_LIMITS.maxRevision) {
    invalid(`${what} is larger than ${STORE_LIMITS.maxRevision}`);
  }
}

function isValidInstant(date: unknown): boolean {
  const time = date instanceof Date ? date.getTime() : Number.NaN;
  return time >= STORE_LIMITS.minTime && time <= STORE_LIMITS.maxTime;
}

function checkInstant(what: string, date: unknown): void {
  if (!isValidInstant(date)) {
    invalid(`${what} must be a valid Date between the years 1000 and 9999`);
  }
}

function checkDefinitions(kind: string, upserts: StoredDefinition[], deletes: string[]): void {
  const seen = new Set<string>();
  const once = (key: string) => {
    if (seen.has(key)) invalid(`${kind} "${key}" appears more than once`);
    seen.add(key);
  };
  for (const { key, definition } of upserts) {
    checkName(`${kind} key`, key);
    checkText(`the definition of ${kind} "${key}"`, definition, STORE_LIMITS.textBytes);
    once(key);
  }
  for (const key of deletes) {
    checkName(`${kind} key`, key);
    once(key);
  }
}

/**
 * Refuses a change no store could apply exactly as given, before anything is written: every
 * store enforces the limits of the strictest database, so a change valid for one is valid for all.
 * @internal
 */
export function assertValidChange(change: FlagSetChange): void {
  checkRevision('baseRevision', change.baseRevision);
  checkRevision('revision', change.revision);
  if (change.revision <= change.baseRevision) invalid('revision must be greater than baseRevision');
  checkName('checksum', change.checksum, STORE_LIMITS.checksumLength);
  if (change.metadata !== undefined && change.metadata !== null) {
    checkText('metadata', change.metadata, STORE_LIMITS.textBytes);
  }
  checkDefinitions('flag', change.upsertFlags, change.deleteFlags);
  checkDefinitions('evaluator', change.upsertEvaluators, change.deleteEvaluators);
  if (change.actor !== undefined) checkName('actor', change.actor);
  if (change.delivery !== undefined) assertValidDelivery(change.delivery, change.at);
  else checkInstant('at', change.at);
}

/** Refuses a delivery record no store could hold. @internal */
export function assertValidDelivery(delivery: DeliveryRecord, at: Date): void {
  checkName('delivery id', delivery.id);
  checkInstant('delivery.expiresAt', delivery.expiresAt);
  checkInstant('at', at);
}

/** Refuses an instant argument no store could compare with what it holds. @internal */
export function assertValidInstant(call: string, at: Date): void {
  if (!isValidInstant(at)) {
    throw new RangeError(
      `${call}: the instant must be a valid Date between the years 1000 and 9999`,
    );
  }
}

/** Refuses a change-log page request that is not two non-negative integers. @internal */
export function assertValidPage(afterId: number, limit: number): void {
  if (!Number.isInteger(afterId) || afterId < 0) {
    throw new RangeError('changes(): afterId must be a non-negative integer');
  }
  if (!Number.isInteger(limit) || limit < 0) {
    throw new RangeError('changes(): limit must be a non-negative integer');
  }
}

/** A calendar day written `YYYY-MM-DD`, as `Date.prototype.toISOString()` starts. */
function isUtcDay(day: unknown): boolean {
  if (typeof day !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(day)) return false;
  const date = new Date(`${day}T00:00:00.000Z`);
  // Rolled-over dates ('2026-02-30') parse, as another day.
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === day;
}

const DAY_FORMAT = 'a UTC day written YYYY-MM-DD (`date.toISOString().slice(0, 10)`)';

/**
 * Refuses usage counts no store could add exactly as given, before anything is written: one bad
 * entry refuses them all, and retrying them cannot help.
 * @internal
 */
export function assertValidUsage(counts: UsageCount[]): void {
  const refuse = (message: string): never => {
    throw new InvalidChangeError(message, 'usage counts');
  };
  if (!Array.isArray(counts)) refuse('recordUsage() takes an array of counts');
  const totals = new Map<string, number>();
  counts.forEach((entry, index) => {
    const what = `counts[${index}]`;
    const { flagKey, variant, day, count, lastEvaluatedAt } = entry ?? ({} as UsageCount);
    if (typeof flagKey !== 'string') refuse(`${what}.flagKey must be a string`);
    const keyProblem = nameProblem(flagKey, STORE_LIMITS.keyLength);
    if (keyProblem !== undefined) {
      refuse(
        `${what}.flagKey ${keyProblem}, so no stored flag has that key: leave its evaluations ` +
          'out of the counts',
      );
    }
    if (typeof variant !== 'string') refuse(`${what}.variant must be a string ('' for none)`);
    const variantProblem = nameProblem(variant, STORE_LIMITS.keyLength);
    if (variantProblem !== undefined) {
      refuse(
        `${what}.variant of flag "${flagKey}" ${variantProblem}: count it under a variant name ` +
          `of at most ${STORE_LIMITS.keyLength} characters of valid text, or '' for none`,
      );
    }
    if (!isUtcDay(day)) refuse(`${what}.day must be ${DAY_FORMAT}, not ${JSON.stringify(day)}`);
    if (!Number.isSafeInteger(count) || count < 1) {
      refuse(
        `${what}.count must be a whole number from 1 to ${Number.MAX_SAFE_INTEGER}, not ` +
          `${String(count)}: leave out entries with nothing counted`,
      );
    }
    if (!isValidInstant(lastEvaluatedAt)) {
      refuse(`${what}.lastEvaluatedAt must be a valid Date between the years 1000 and 9999`);
    }
    const key = usageKey(entry);
    const total = (totals.get(key) ?? 0) + count;
    if (!Number.isSafeInteger(total)) {
      refuse(
        `${what}: the counts of flag "${flagKey}" on ${day} add up past ${Number.MAX_SAFE_INTEGER}`,
      );
    }
    totals.set(key, total);
  });
}

/** Refuses a day argument that is not a UTC day, `YYYY-MM-DD`. @internal */
export function assertValidDay(call: string, day: string): void {
  if (!isUtcDay(day)) {
    throw new RangeError(`${call}: the day must be ${DAY_FORMAT}, not ${JSON.stringify(day)}`);
  }
}
