import {
  ValidateIf,
  type ValidationError as ClassValidatorError,
  validateSync,
} from 'class-validator';
import { type ValidationError, pointer } from '../../evaluation/validation-error';

/** A request class `class-validator` checks: constructed without arguments. */
export interface DtoShape<T extends object> {
  new (): T;
}

/**
 * An instance of `type` holding `input`'s own properties as they are. Properties are defined,
 * not assigned, so a `__proto__` key in the input stays a plain (and refused) field instead of
 * replacing the instance's prototype.
 */
function instanceOf<T extends object>(type: DtoShape<T>, input: Record<string, unknown>): T {
  const instance = new type();
  for (const key of Object.keys(input)) {
    Object.defineProperty(instance, key, {
      value: input[key],
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return instance;
}

function flatten(
  errors: readonly ClassValidatorError[],
  base: string,
  unknownField: (field: string) => string,
  into: ValidationError[],
): void {
  for (const error of errors) {
    const path = pointer(base, error.property);
    for (const [constraint, message] of Object.entries(error.constraints ?? {})) {
      into.push({
        path,
        message: constraint === 'whitelistValidation' ? unknownField(error.property) : message,
      });
    }
    if (error.children) flatten(error.children, path, unknownField, into);
  }
}

/**
 * Validates a parsed request body (or query) against its `class-validator` class: the typed
 * request, or every problem as a JSON pointer and a message that says what to send. Fields the
 * class does not declare are refused.
 * @internal
 */
export function validateDto<T extends object>(
  type: DtoShape<T>,
  input: unknown,
  options: { base?: string; notAnObject: string; unknownField: (field: string) => string },
): { ok: true; value: T } | { ok: false; errors: ValidationError[] } {
  const base = options.base ?? '';
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return { ok: false, errors: [{ path: base, message: options.notAnObject }] };
  }
  const instance = instanceOf(type, input as Record<string, unknown>);
  const found = validateSync(instance, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    // One message per field: the constraints of a field say the same thing in different words.
    stopAtFirstError: true,
    validationError: { target: false, value: false },
  });
  if (found.length === 0) return { ok: true, value: instance };
  const errors: ValidationError[] = [];
  flatten(found, base, options.unknownField, errors);
  return { ok: false, errors };
}

/**
 * A field that may be left out, but not sent as `null` (class-validator's `IsOptional` lets
 * both through): the protocol has no null fields.
 * @internal
 */
export const Optional = (): PropertyDecorator =>
  ValidateIf((object: object, value: unknown) => value !== undefined);
