import type { ExecutionContext } from '@nestjs/common';
import type { EvaluationContext } from '../evaluation';
import { FlagsConfigurationError } from './flags-configuration.error';
import { knownKeys, optionGroup } from './option-checks';

/**
 * How a request becomes the evaluation context of `@FeatureFlag()`, `@FlagValue()` and every
 * `FlagService` call made while serving it (an explicit context argument merges over it).
 * @publicApi
 */
export interface ContextOptions {
  /**
   * Request headers copied into the context: header name (any case) to attribute name.
   * @example { 'x-country': 'country', 'x-plan': 'plan' }
   * @default {}
   */
  headers?: Record<string, string>;
  /**
   * The caller's attributes, from the request (HTTP, GraphQL context's `req`, or a message's data)
   * and the `ExecutionContext`; they merge over the `headers` attributes. Through OFREP they
   * also override what the caller sends, a key returned as `undefined` included.
   * @example (request) => ({ targetingKey: request.user?.id, plan: request.user?.plan })
   * @default `targetingKey` from `request.user.id` (or `.sub`)
   */
  // any: the request type is the host's (Express, Fastify, a GraphQL context...).
  fromRequest?: (request: any, context: ExecutionContext) => EvaluationContext;
}

/** The `context` options after defaults and checks. @internal */
export interface ResolvedContextOptions {
  headers: Readonly<Record<string, string>>;
  fromRequest?: (request: unknown, context: ExecutionContext) => EvaluationContext;
}

/** @internal */
export function resolveContextOptions(value: unknown): ResolvedContextOptions {
  const group = optionGroup('context', value, "{ headers: { 'x-plan': 'plan' } }");
  knownKeys('context', group, ['headers', 'fromRequest']);
  const { headers, fromRequest } = group;
  const entries =
    headers === undefined
      ? []
      : headers !== null && typeof headers === 'object'
        ? Object.entries(headers)
        : undefined;
  if (entries === undefined || entries.some(([, attribute]) => typeof attribute !== 'string')) {
    throw new FlagsConfigurationError(
      "context.headers maps header names to attribute names, e.g. { 'x-plan': 'plan' }.",
    );
  }
  if (fromRequest !== undefined && typeof fromRequest !== 'function') {
    throw new FlagsConfigurationError(
      'context.fromRequest is a function of the request, e.g. (request) => ({ targetingKey: request.user?.id }).',
    );
  }
  return {
    // Node lower-cases the header names it receives.
    headers: Object.fromEntries(
      entries.map(([name, attribute]) => [name.toLowerCase(), attribute]),
    ),
    ...(fromRequest === undefined
      ? {}
      : { fromRequest: fromRequest as ResolvedContextOptions['fromRequest'] }),
  };
}
