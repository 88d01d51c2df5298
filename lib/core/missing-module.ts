/**
 * Whether `error`, thrown by `require(name)`, says that the optional peer `name` is not
 * installed (rather than installed and failing to load, which must not pass for absent).
 * @internal
 */
export function isMissingModule(error: unknown, name: string): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === 'MODULE_NOT_FOUND' && String(message).includes(`'${name}'`);
}
