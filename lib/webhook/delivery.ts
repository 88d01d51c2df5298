import { isPlainObject } from '../evaluation/validate-flag';
import { type ValidationError, pointer } from '../evaluation/validation-error';
import { STORE_LIMITS } from '../store/store-limits';

/** A delivery that replaces the whole flag set. @publicApi */
export interface SnapshotDelivery {
  kind: 'snapshot';
  revision: number;
  flags: Record<string, unknown>;
  $evaluators: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}

/** A delivery that changes some flags of the current revision. @publicApi */
export interface PatchDelivery {
  kind: 'patch';
  revision: number;
  baseRevision: number;
  upsert: Record<string, unknown>;
  delete: string[];
  $evaluators: Record<string, unknown>;
  deleteEvaluators: string[];
}

/** One webhook call's body (see docs/protocol.md). @publicApi */
export type Delivery = SnapshotDelivery | PatchDelivery;

const SNAPSHOT_FIELDS = new Set([
  'kind',
  'revision',
  'flags',
  '$evaluators',
  'metadata',
  '$schema',
]);
const PATCH_FIELDS = new Set([
  'kind',
  'revision',
  'baseRevision',
  'upsert',
  'delete',
  '$evaluators',
  'deleteEvaluators',
]);

function revisionOf(
  body: Record<string, unknown>,
  field: string,
  errors: ValidationError[],
): number {
  const value = body[field];
  if (!Number.isSafeInteger(value) || (value as number) < 0) {
    errors.push({
      path: pointer('', field),
      message: `${field} must be a whole number of 0 or more`,
    });
    return 0;
  }
  if ((value as number) > STORE_LIMITS.maxRevision) {
    errors.push({
      path: pointer('', field),
      message: `${field} must be at most ${STORE_LIMITS.maxRevision}`,
    });
    return 0;
  }
  return value as number;
}

function objectOf(
  body: Record<string, unknown>,
  field: string,
  errors: ValidationError[],
): Record<string, unknown> {
  const value = body[field];
  if (value === undefined) return {};
  if (!isPlainObject(value)) {
    errors.push({ path: pointer('', field), message: `${field} must be an object` });
    return {};
  }
  return value;
}

function namesOf(
  body: Record<string, unknown>,
  field: string,
  errors: ValidationError[],
): string[] {
  const value = body[field];
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((name) => typeof name !== 'string')) {
    errors.push({ path: pointer('', field), message: `${field} must be an array of names` });
    return [];
  }
  return value as string[];
}

/**
 * Reads a delivery's body: its envelope only (the flags it carries are validated with the whole
 * resulting flag set). Never throws.
 * @internal
 */
export function parseDelivery(
  body: unknown,
): { ok: true; delivery: Delivery } | { ok: false; errors: ValidationError[] } {
  if (!isPlainObject(body)) {
    return {
      ok: false,
      errors: [{ path: '', message: 'a delivery is a JSON object with a "kind"' }],
    };
  }
  const errors: ValidationError[] = [];
  const kind = body.kind;
  if (kind !== 'snapshot' && kind !== 'patch') {
    return {
      ok: false,
      errors: [{ path: '/kind', message: 'kind must be "snapshot" or "patch"' }],
    };
  }
  const allowed = kind === 'snapshot' ? SNAPSHOT_FIELDS : PATCH_FIELDS;
  for (const field of Object.keys(body)) {
    if (!allowed.has(field)) {
      errors.push({
        path: pointer('', field),
        message: `a ${kind} has no "${field}"; see docs/protocol.md`,
      });
    }
  }
  const revision = revisionOf(body, 'revision', errors);
  const evaluators = objectOf(body, '$evaluators', errors);
  let delivery: Delivery;
  if (kind === 'snapshot') {
    if (!isPlainObject(body.flags))
      errors.push({ path: '/flags', message: 'a snapshot has a "flags" object' });
    const metadata = body.metadata === undefined ? undefined : objectOf(body, 'metadata', errors);
    delivery = {
      kind,
      revision,
      flags: objectOf(body, 'flags', errors),
      $evaluators: evaluators,
      ...(metadata ? { metadata } : {}),
    };
  } else {
    const baseRevision = revisionOf(body, 'baseRevision', errors);
    if (errors.length === 0 && revision <= baseRevision) {
      errors.push({ path: '/revision', message: 'revision must be greater than baseRevision' });
    }
    delivery = {
      kind,
      revision,
      baseRevision,
      upsert: objectOf(body, 'upsert', errors),
      delete: namesOf(body, 'delete', errors),
      $evaluators: evaluators,
      deleteEvaluators: namesOf(body, 'deleteEvaluators', errors),
    };
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, delivery };
}
