import type { OtelApi } from './otel-api.types';

/**
 * Whether a context manager is registered (an SDK, or the host itself, set one): without one no
 * span is ever active, whatever the code does. Asked through the API's public surface: a value
 * set in a context is seen inside `context.with()` only where a manager keeps it.
 * @internal
 */
export function contextManagerRegistered(api: OtelApi): boolean {
  const key = api.createContextKey('nestjs-hybrid-flags: context manager probe');
  return api.context.with(api.ROOT_CONTEXT.setValue(key, true), () => {
    return api.context.active().getValue(key) === true;
  });
}
