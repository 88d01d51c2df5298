import type { DeliveryRecord, FlagSetChange, StoredDefinition } from './flag-store';
import { InvalidChangeError } from './invalid-change.error';
import { STORE_LIMITS } from './store-limits';

function invalid(message: string): never {
  throw new InvalidChangeError(message);
}

function checkText(what: string, text: unknown, maxBytes: number): void {
  if (typeof text !== 'string') invalid(`${what} must be a string`);
  // PostgreSQL text cannot hold U+0000, and a lone surrogate has no UTF-8 form: neither would
  // read back as written, so no store accepts them.
  if (text.includes('\u0000')) invalid(`${what} contains U+0000`);
  if (/\p{Cs}/u.test(text)) invalid(`${what} contains an unpaired UTF-16 surrogate`);
  if (maxBytes !== Number.POSITIVE_INFINITY && Buffer.byteLength(text, 'utf8') > maxBytes) {
    invalid(`${what} is ${Buffer.byteLength(text, 'utf8')} bytes; this database holds ${maxBytes}`);
  }
}

function checkName(what: string, name: unknown, maxLength: number = STORE_LIMITS.keyLength): void {
  checkText(what, name, Number.POSITIVE_INFINITY);
  // Columns count characters (code points), not UTF-16 units.
  if ((name as string).length > maxLength && [...(name as string)].length > maxLength) {
    invalid(`${what} is longer than ${maxLength} characters`);
  }
}

function checkRevision(what: string, revision: unknown): void {
  if (!Number.isInteger(revision) || (revision as number) < 0) {
    invalid(`${what} must be a non-negative integer`);
  }
  if ((revision as number) > STORE_LIMITS.maxRevision) {
    invalid(`${what} is larger than ${STORE_LIMITS.maxRevision}`);
  }
}

function checkInstant(what: string, date: unknown): void {
  const time = date instanceof Date ? date.getTime() : Number.NaN;
  if (!(time >= STORE_LIMITS.minTime && time <= STORE_LIMITS.maxTime)) {
    invalid(`${what} must be a valid Date between the years 1000 and 9999`);
  }
}

function checkDefinitions(
  kind: string,
  upserts: StoredDefinition[],
  deletes: string[],
  maxBytes: number,
): void {
  const seen = new Set<string>();
  const once = (key: string) => {
    if (seen.has(key)) invalid(`${kind} "${key}" appears more than once`);
    seen.add(key);
  };
  for (const { key, definition } of upserts) {
    checkName(`${kind} key`, key);
    checkText(`the definition of ${kind} "${key}"`, definition, maxBytes);
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
export function assertValidChange(
  change: FlagSetChange,
  maxTextBytes: number = Number.POSITIVE_INFINITY,
): void {
  checkRevision('baseRevision', change.baseRevision);
  checkRevision('revision', change.revision);
  if (change.revision <= change.baseRevision) invalid('revision must be greater than baseRevision');
  checkName('checksum', change.checksum, STORE_LIMITS.checksumLength);
  if (change.metadata !== undefined && change.metadata !== null) {
    checkText('metadata', change.metadata, maxTextBytes);
  }
  checkDefinitions('flag', change.upsertFlags, change.deleteFlags, maxTextBytes);
  checkDefinitions('evaluator', change.upsertEvaluators, change.deleteEvaluators, maxTextBytes);
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

/** Refuses a change-log page request that is not two non-negative integers. @internal */
export function assertValidPage(afterId: number, limit: number): void {
  if (!Number.isInteger(afterId) || afterId < 0) {
    throw new RangeError('changes(): afterId must be a non-negative integer');
  }
  if (!Number.isInteger(limit) || limit < 0) {
    throw new RangeError('changes(): limit must be a non-negative integer');
  }
}
