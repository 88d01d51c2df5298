import { type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { EvaluationContext } from '../evaluation';
import type { ResolvedContextOptions } from './context-options';
import { CONTEXT_OPTIONS } from './flags.constants';
import { mergeContexts } from './merge-contexts';

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

/** The attributes of the headers named in `context.headers`. @internal */
export function headerAttributes(
  request: unknown,
  headers: Readonly<Record<string, string>>,
): EvaluationContext {
  const received = (request as RequestLike | null | undefined)?.headers;
  const context: EvaluationContext = {};
  for (const [header, attribute] of Object.entries(headers)) {
    const value = received?.[header];
    if (typeof value === 'string') context[attribute] = value;
  }
  return context;
}

/**
 * The caller by default: `targetingKey` from the authenticated user's `id` (or `sub`).
 * @internal
 */
export function defaultCaller(request: unknown): EvaluationContext {
  const { user: own, raw } = (request ?? {}) as RequestLike;
  const user = own ?? raw?.user;
  const id = user?.id ?? user?.sub;
  return typeof id === 'string' || typeof id === 'number' ? { targetingKey: String(id) } : {};
}

/**
 * Builds the evaluation context of a request once and remembers it for the rest of that request
 * (guard, handler, services): the `context.headers` attributes, with the caller's attributes
 * (`context.fromRequest`, or the default) merged over them.
 * @internal
 */
@Injectable()
export class RequestContextResolver {
  private readonly built = new WeakMap<object, EvaluationContext>();

  constructor(@Inject(CONTEXT_OPTIONS) private readonly options: ResolvedContextOptions) {}

  resolve(context: ExecutionContext): EvaluationContext {
    const request = requestOf(context);
    const key = typeof request === 'object' && request !== null ? request : undefined;
    const known = key === undefined ? undefined : this.built.get(key);
    if (known !== undefined) return known;
    const { fromRequest, headers } = this.options;
    const caller =
      fromRequest === undefined ? defaultCaller(request) : fromRequest(request, context);
    const built = mergeContexts(headerAttributes(request, headers), caller);
    if (key !== undefined) this.built.set(key, built);
    return built;
  }
}
