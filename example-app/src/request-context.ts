import type { EvaluationContext } from '../../lib';

type Headers = Record<string, string | string[] | undefined>;

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The caller, as flags see it: `x-user-id` is the targeting key; country and plan are attributes. */
export function requestContext(headers: Headers): EvaluationContext {
  const context: EvaluationContext = {};
  const user = header(headers, 'x-user-id');
  const country = header(headers, 'x-country');
  const plan = header(headers, 'x-plan');
  if (user) context.targetingKey = user;
  if (country) context.country = country.toUpperCase();
  if (plan) context.plan = plan.toLowerCase();
  return context;
}
