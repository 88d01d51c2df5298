import { isPlainObject } from '../evaluation/validate-flag';
import type { ValidationError } from '../evaluation/validation-error';
import { PatchDeliveryDto, SnapshotDeliveryDto } from './dto/delivery.dto';
import { validateDto } from './dto/validate-dto';
import { parseStrictJson } from './strict-json';

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

/**
 * Reads a delivery's envelope from its parsed body (the flags it carries are validated with the
 * whole resulting flag set). Never throws.
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
  const kind = body.kind;
  if (kind !== 'snapshot' && kind !== 'patch') {
    return {
      ok: false,
      errors: [{ path: '/kind', message: 'kind must be "snapshot" or "patch"' }],
    };
  }
  const options = {
    notAnObject: 'a delivery is a JSON object with a "kind"',
    unknownField: (field: string) =>
      `a ${kind} has no "${field}"; see docs/protocol.md in the nestjs-hybrid-flags package`,
  };
  if (kind === 'snapshot') {
    const read = validateDto(SnapshotDeliveryDto, body, options);
    if (!read.ok) return read;
    const { revision, flags, $evaluators = {}, metadata } = read.value;
    return {
      ok: true,
      delivery: { kind, revision, flags, $evaluators, ...(metadata ? { metadata } : {}) },
    };
  }
  const read = validateDto(PatchDeliveryDto, body, options);
  if (!read.ok) return read;
  const { revision, baseRevision, upsert = {}, $evaluators = {} } = read.value;
  return {
    ok: true,
    delivery: {
      kind,
      revision,
      baseRevision,
      upsert,
      delete: read.value.delete ?? [],
      $evaluators,
      deleteEvaluators: read.value.deleteEvaluators ?? [],
    },
  };
}

/**
 * Reads a delivery from the exact bytes received: strict JSON (no key twice in an object, bounded
 * nesting), then its envelope. Never throws.
 * @internal
 */
export function readDelivery(
  body: Uint8Array,
): { ok: true; delivery: Delivery } | { ok: false; errors: ValidationError[] } {
  const parsed = parseStrictJson(body);
  if (!parsed.ok) return { ok: false, errors: [parsed.error] };
  return parseDelivery(parsed.value);
}
