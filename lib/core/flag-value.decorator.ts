import {
  type ExecutionContext,
  Injectable,
  type PipeTransform,
  createParamDecorator,
} from '@nestjs/common';
import type { FlagValue as Value, JsonObject } from '../evaluation';
import { FlagService } from './flag.service';

interface FlagValueRequest {
  key: string;
  defaultValue: Value;
}

/**
 * Evaluates the flag a `@FlagValue()` parameter names, for the request's evaluation context
 * (pipes run while the request's context is ambient).
 * @internal
 */
@Injectable()
export class FlagValuePipe implements PipeTransform<FlagValueRequest, Value> {
  constructor(private readonly flags: FlagService) {}

  transform({ key, defaultValue }: FlagValueRequest): Value {
    switch (typeof defaultValue) {
      case 'boolean':
        return this.flags.getBoolean(key, defaultValue);
      case 'string':
        return this.flags.getString(key, defaultValue);
      case 'number':
        return this.flags.getNumber(key, defaultValue);
      default:
        return this.flags.getObject(key, defaultValue as JsonObject);
    }
  }
}

const flagValueParameter = createParamDecorator(
  (request: FlagValueRequest, _context: ExecutionContext) => request,
);

/**
 * A flag's value: a boolean, string, number or JSON object. The same name as the decorator below,
 * so that `import { FlagValue }` gives the decorator and `import type { FlagValue }` the type.
 * @publicApi
 */
export type FlagValue = Value;

/**
 * Injects a flag's value for the request into a handler parameter, or `defaultValue` when the
 * flag cannot be served or has another type (the default's type decides the flag's).
 * Needs `FlagService` in the controller's module (`FlagsModule.forRoot({ isGlobal: true })`).
 *
 * @example
 * @Get('checkout')
 * checkout(@FlagValue('checkout-flow', 'classic') flow: string) { ... }
 * @publicApi
 */
export function FlagValue(key: string, defaultValue: Value): ParameterDecorator {
  if (typeof key !== 'string' || key === '') {
    throw new TypeError('@FlagValue() needs the key of a flag, e.g. @FlagValue("theme", "light").');
  }
  if (defaultValue === undefined || defaultValue === null) {
    throw new TypeError(`@FlagValue("${key}") needs a default value; its type is the flag's type.`);
  }
  return flagValueParameter({ key, defaultValue }, FlagValuePipe);
}
