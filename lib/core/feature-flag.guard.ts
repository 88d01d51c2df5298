import {
  type CanActivate,
  type ExecutionContext,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { EvaluationContext, EvaluationResult, FlagValue } from '../evaluation';
import { FlagService } from './flag.service';
import { RequestContextResolver } from './request-context.resolver';
import { FEATURE_FLAGS, type FeatureFlagRequirement } from './feature-flag.decorator';

const sameValue = (a: unknown, b: unknown) =>
  a === b || (typeof a === 'object' && a !== null && JSON.stringify(a) === JSON.stringify(b));

/**
 * Enforces `@FeatureFlag()`: FlagsModule registers it as a global guard, and it lets through
 * every route without the decorator after one metadata lookup. Works for HTTP (Express and
 * Fastify), GraphQL resolvers and microservice handlers. Extend it and override a protected
 * method to change how the context is built, what passes or how a refusal looks; then register
 * yours with `FlagsModule.forRoot({ guard: YourGuard })`.
 *
 * @example
 * @Injectable()
 * export class TeamFlagGuard extends FeatureFlagGuard {
 *   protected override evaluationContext(context: ExecutionContext) {
 *     const request = context.switchToHttp().getRequest();
 *     return { ...super.evaluationContext(context), team: request.headers['x-team'] };
 *   }
 * }
 * @publicApi
 */
@Injectable()
export class FeatureFlagGuard implements CanActivate {
  constructor(
    protected readonly reflector: Reflector,
    protected readonly flags: FlagService,
    protected readonly contexts: RequestContextResolver,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const requirements = this.reflector.getAllAndOverride<FeatureFlagRequirement[] | undefined>(
      FEATURE_FLAGS,
      [context.getHandler(), context.getClass()],
    );
    if (requirements === undefined || requirements.length === 0) return true;
    const evaluationContext = this.evaluationContext(context);
    for (const requirement of requirements) {
      const result = this.flags.evaluate(requirement.key, evaluationContext);
      if (!this.passes(requirement, result)) throw this.refusal(requirement, context);
    }
    return true;
  }

  /** The evaluation context of the request (the `requestContext` option, built once). */
  protected evaluationContext(context: ExecutionContext): EvaluationContext {
    return this.contexts.resolve(context);
  }

  /** Whether a flag's result satisfies one `@FeatureFlag()`. */
  protected passes(
    requirement: FeatureFlagRequirement,
    result: EvaluationResult<FlagValue | null>,
  ): boolean {
    if (result.errorCode !== undefined) return false;
    if (requirement.variant !== undefined) return result.variant === requirement.variant;
    if (requirement.value !== undefined) return sameValue(result.value, requirement.value);
    return result.value === true;
  }

  /** What is thrown when a flag does not pass: by default the 404 of a route that is not there. */
  protected refusal(requirement: FeatureFlagRequirement, context: ExecutionContext): Error {
    if (requirement.exception !== undefined) return requirement.exception();
    if (context.getType() !== 'http') return new NotFoundException();
    const request = context
      .switchToHttp()
      .getRequest<{ method?: string; originalUrl?: string; url?: string }>();
    return new NotFoundException(`Cannot ${request.method} ${request.originalUrl ?? request.url}`);
  }
}
