import { type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { EvaluationContext } from '../evaluation';
import { RESOLVED_FLAGS_OPTIONS } from './flags.constants';
import type { ResolvedFlagsModuleOptions } from '../flags-module-options';

/** What the default request context reads: a request with headers and maybe a user. */
interface RequestLike {
  headers?: Record<string, string | string[] | undefined>;
  user?: { id?: unknown; sub?: unknown } | null;
  /** Fastify's request wraps Node's, where middleware sets `user`. */
  raw?: { user?: { id?: unknown; sub?: unknown } | null };
}

/**
 * The request behind an execution context: the HTTP request (Express or Fastify), the GraphQL
 * context's `req` (or the context itself), a microservice message's data.
 * @internal
 */
export function requestOf(context: ExecutionContext): unknown {
  const type = context.getType<string>();
  if (type === 'http') return context.switchToHttp().getRequest();
  if (type === 'graphql') {
    const gqlContext = context.getArgByIndex(2) as { req?: unknown } | undefined;
    return gqlContext?.req ?? gqlContext;
  }
  if (type === 'rpc') return context.switchToRpc().getData();
  return context.getArgByIndex(0);
}

/**
 * The default request context: `targetingKey` from the authenticated user's `id` (or `sub`), and
 * the headers named in `contextHeaders` as attributes.
 * @internal
 */
export function defaultRequestContext(
  request: unknown,
  headers: Readonly<Record<string, string>>,
): EvaluationContext {
  const { user: own, raw, headers: received } = (request ?? {}) as RequestLike;
  const user = own ?? raw?.user;
  const context: EvaluationContext = {};
  const id = user?.id ?? user?.sub;
  if (typeof id === 'string' || typeof id === 'number') context.targetingKey = String(id);
  for (const [header, attribute] of Object.entries(headers)) {
    const value = received?.[header];
    if (typeof value === 'string') context[attribute] = value;
  }
  return context;
}

/**
 * Builds the evaluation context of a request once, with the `requestContext` option or the
 * default, and remembers it for the rest of that request (guard, handler, services).
 * @internal
 */
@Injectable()
export class RequestContextResolver {
  private readonly built = new WeakMap<object, EvaluationContext>();

  constructor(
    @Inject(RESOLVED_FLAGS_OPTIONS) private readonly options: ResolvedFlagsModuleOptions,
  ) {}

  resolve(context: ExecutionContext): EvaluationContext {
    const request = requestOf(context);
    const key = typeof request === 'object' && request !== null ? request : undefined;
    const known = key === undefined ? undefined : this.built.get(key);
    if (known !== undefined) return known;
    const { requestContext, contextHeaders } = this.options;
    const built =
      requestContext === undefined
        ? defaultRequestContext(request, contextHeaders)
        : requestContext(request, context);
    if (key !== undefined) this.built.set(key, built);
    return built;
  }
}
