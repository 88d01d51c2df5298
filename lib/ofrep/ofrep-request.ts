import type { EvaluationContext } from '../evaluation';

/**
 * What a caller's context may hold. Checked before anything is evaluated: the context is copied
 * for the merge, and string operators (`in`, `starts_with`, `sem_ver`) read its strings once per
 * rule and per flag, so a bulk evaluation's cost grows with both.
 * @internal
 */
export const OFREP_CONTEXT_LIMITS = {
  attributes: 200,
  values: 2_000,
  depth: 8,
  stringLength: 8_192,
};

/** A caller's context, or why it is refused (`INVALID_CONTEXT`). @internal */
export type OfrepRequest =
  { ok: true; context: EvaluationContext } | { ok: false; details: string };

const refused = (details: string): OfrepRequest => ({ ok: false, details });

/** The first limit `value` passes, counting into `seen`; undefined when within all of them. */
function overLimit(value: unknown, depth: number, seen: { values: number }): string | undefined {
  const limits = OFREP_CONTEXT_LIMITS;
  if (++seen.values > limits.values) return `more than ${limits.values} values in all`;
  if (typeof value === 'string') {
    return value.length > limits.stringLength
      ? `a string longer than ${limits.stringLength} characters`
      : undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  if (depth >= limits.depth) return `objects nested more than ${limits.depth} deep`;
  for (const item of Array.isArray(value) ? value : Object.values(value)) {
    const problem = overLimit(item, depth + 1, seen);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/**
 * The context of an OFREP request body, `{ "context": { ... } }`, as parsed by the application's
 * body parser. A body without `context` (OpenFeature's providers send `{}` when there is none)
 * is the empty context. `targetingKey` is optional, as in flagd: the server may supply it.
 * @internal
 */
export function readOfrepRequest(body: unknown): OfrepRequest {
  if (body === undefined || Buffer.isBuffer(body) || typeof body === 'string') {
    return refused(
      'the request body was not read as JSON: send Content-Type: application/json, and keep the ' +
        "application's JSON body parser on (NestFactory.create's bodyParser option)",
    );
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return refused('send a JSON object: { "context": { "targetingKey": "user-1" } }');
  }
  const sent = (body as { context?: unknown }).context;
  const context = sent === undefined ? {} : sent;
  if (context === null || typeof context !== 'object' || Array.isArray(context)) {
    return refused('context must be an object, e.g. { "targetingKey": "user-1" }');
  }
  const attributes = Object.keys(context).length;
  if (attributes > OFREP_CONTEXT_LIMITS.attributes) {
    return refused(
      `context has ${attributes} attributes; at most ${OFREP_CONTEXT_LIMITS.attributes} are evaluated`,
    );
  }
  const problem = overLimit(context, 0, { values: 0 });
  if (problem !== undefined) return refused(`context holds ${problem}; send less`);
  const { targetingKey } = context as EvaluationContext;
  if (targetingKey !== undefined && typeof targetingKey !== 'string') {
    return refused('targetingKey must be a string');
  }
  return { ok: true, context: context as EvaluationContext };
}
