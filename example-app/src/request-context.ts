import type { EvaluationContext } from '../../lib';

type Headers = Record<string, string | string[] | undefined>;

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The caller, as flags see it: `x-user-id` is the targeting key; country and plan are attributes.
 * Country and plan are always the server's, even unknown: an OFREP caller cannot claim them. A
 * caller without `x-user-id` may send its own (anonymous) targeting key.
 */
export function requestContext(headers: Headers): EvaluationContext {
  const user = header(headers, 'x-user-id');
  return {
    ...(user ? { targetingKey: user } : {}),
    country: header(headers, 'x-country')?.toUpperCase() || undefined,
    plan: header(headers, 'x-plan')?.toLowerCase() || undefined,
  };
}
