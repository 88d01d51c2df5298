import type { FlagValue } from '../evaluation';

/** What a route needs from one flag. @publicApi */
export interface FeatureFlagOptions {
  /** Pass when the flag evaluates to this variant (for non-boolean flags). */
  variant?: string;
  /** Pass when the flag evaluates to this value (compared as JSON for objects). */
  value?: FlagValue;
  /**
   * What to throw when the flag does not pass.
   * @example { exception: () => new ForbiddenException('Upgrade to use this') }
   * @default a NotFoundException: the route looks like one that does not exist
   */
  exception?: () => Error;
}

/** One `@FeatureFlag()` on a class or handler. @publicApi */
export interface FeatureFlagRequirement extends FeatureFlagOptions {
  key: string;
}

/** The metadata key the guard reads. @internal */
export const FEATURE_FLAGS = 'flags:feature-flags';

/**
 * Serves the route only when the flag passes for the request's evaluation context (see the
 * `requestContext` option): a boolean flag evaluates to `true`, or the flag evaluates to
 * `variant` / `value`. Otherwise the request gets 404, as if the route did not exist. Several
 * decorators on one target must all pass; a handler's decorators replace its class's.
 * Metadata only: `FeatureFlagGuard` (registered by `FlagsModule`) enforces it.
 *
 * @example
 * @FeatureFlag('beta-dashboard')
 * @Get('beta')
 * beta() { ... }
 *
 * @FeatureFlag('checkout-flow', { variant: 'one-page' })
 * @FeatureFlag('payments-up', { exception: () => new ServiceUnavailableException() })
 * @Post('checkout')
 * checkout() { ... }
 * @publicApi
 */
export function FeatureFlag(
  key: string,
  options: FeatureFlagOptions = {},
): ClassDecorator & MethodDecorator {
  if (typeof key !== 'string' || key === '') {
    throw new TypeError(
      '@FeatureFlag() needs the key of a flag, e.g. @FeatureFlag("new-checkout").',
    );
  }
  if (options.variant !== undefined && options.value !== undefined) {
    throw new TypeError(`@FeatureFlag("${key}") takes a variant or a value, not both.`);
  }
  const requirement: FeatureFlagRequirement = { key, ...options };
  return (target: object, _property?: string | symbol, descriptor?: PropertyDescriptor) => {
    const holder = descriptor?.value ?? target;
    // Decorators run bottom-up; keep them in written order.
    const existing = (Reflect.getMetadata(FEATURE_FLAGS, holder) ?? []) as FeatureFlagRequirement[];
    Reflect.defineMetadata(FEATURE_FLAGS, [requirement, ...existing], holder);
  };
}
