import type { EvaluationContext } from '../evaluation';
import { isPlainObject } from '../evaluation/validate-flag';
import { type ValidationError, pointer } from '../evaluation/validation-error';

/** The body of `POST /_flags/evaluate`. @internal */
export interface EvaluateRequest {
  context: EvaluationContext;
  /** The flags to evaluate; all of them when absent. */
  flags?: string[];
}

/**
 * Reads an evaluate request: `{ "context": {...}, "flags": ["key", ...] }`, both optional.
 * Never throws.
 * @internal
 */
export function parseEvaluateRequest(
  body: unknown,
): { ok: true; request: EvaluateRequest } | { ok: false; errors: ValidationError[] } {
  if (!isPlainObject(body)) {
    return { ok: false, errors: [{ path: '', message: 'send a JSON object: { "context": {} }' }] };
  }
  const errors: ValidationError[] = [];
  const { context = {}, flags } = body;
  if (!isPlainObject(context)) {
    errors.push({
      path: '/context',
      message: 'context must be an object, e.g. {"targetingKey":"u1"}',
    });
  }
  if (
    flags !== undefined &&
    (!Array.isArray(flags) || flags.some((key) => typeof key !== 'string'))
  ) {
    errors.push({
      path: '/flags',
      message: 'flags must be an array of flag keys (omit it for all)',
    });
  }
  for (const field of Object.keys(body)) {
    if (field !== 'context' && field !== 'flags') {
      errors.push({
        path: pointer('', field),
        message: `unknown field "${field}"; send context and flags`,
      });
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    request: {
      context: context as EvaluationContext,
      ...(flags === undefined ? {} : { flags: flags as string[] }),
    },
  };
}
