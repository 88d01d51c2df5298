import type { FlagMetadata, FlagValue } from './evaluation.types';
import { type ValidationError, pointer } from './validation-error';

/** Names no key in a flag set may take: they would reach JavaScript object internals. @internal */
export const RESERVED_KEYS: ReadonlySet<string> = new Set([
  '__proto__',
  'constructor',
  'prototype',
]);

const FLAG_PROPERTIES = new Set(['state', 'variants', 'defaultVariant', 'targeting', 'metadata']);

/** A flag definition after validation. @internal */
export interface FlagParts {
  enabled: boolean;
  variants: Record<string, FlagValue>;
  defaultVariant: string | undefined;
  metadata: Record<string, unknown> | undefined;
  targeting: unknown;
  /** Why the flag is unusable, in lenient mode. */
  problem?: string;
}

/** @internal */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** Checks a `metadata` object: string, number or boolean values. @internal */
export function checkMetadata(metadata: unknown, path: string, errors: ValidationError[]): void {
  if (!isPlainObject(metadata)) {
    errors.push({ path, message: `metadata must be an object, not ${kindOf(metadata)}` });
    return;
  }
  for (const [name, value] of Object.entries(metadata)) {
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      errors.push({
        path: pointer(path, name),
        message: `metadata values are strings, numbers or booleans, not ${kindOf(value)}`,
      });
    }
  }
}

function checkVariants(
  variants: Record<string, unknown>,
  flagPath: string,
  errors: ValidationError[],
): void {
  const path = `${flagPath}/variants`;
  let firstName: string | undefined;
  let firstType: string | undefined;
  for (const [name, value] of Object.entries(variants)) {
    if (name === '' || RESERVED_KEYS.has(name)) {
      errors.push({
        path: pointer(path, name),
        message: `"${name}" cannot name a variant; choose another name`,
      });
    }
    const type = kindOf(value);
    if (type !== 'boolean' && type !== 'string' && type !== 'number' && type !== 'object') {
      errors.push({
        path: pointer(path, name),
        message: `a variant is a boolean, string, number or object, not ${type}`,
      });
      continue;
    }
    if (firstType === undefined) {
      firstName = name;
      firstType = type;
    } else if (type !== firstType) {
      errors.push({
        path: pointer(path, name),
        message: `variant "${name}" is a ${type} but "${firstName}" is a ${firstType}; all variants of a flag have one type`,
      });
    }
  }
}

/**
 * Validates one flag definition. Strict mode reports every problem; lenient mode reports nothing
 * and marks a flag that cannot be served as having a `problem`.
 * @internal
 */
export function validateFlag(
  definition: unknown,
  path: string,
  strict: boolean,
  errors: ValidationError[],
): FlagParts | undefined {
  if (!isPlainObject(definition)) {
    if (strict) errors.push({ path, message: `a flag is an object, not ${kindOf(definition)}` });
    return strict ? undefined : broken('the flag is not an object');
  }
  const { state, variants, defaultVariant, targeting, metadata } = definition;
  const local: ValidationError[] = [];
  if (strict) {
    for (const name of Object.keys(definition)) {
      if (!FLAG_PROPERTIES.has(name)) {
        local.push({
          path: pointer(path, name),
          message: `unknown flag property "${name}"; a flag has state, variants, defaultVariant, targeting and metadata`,
        });
      }
    }
  }
  if (state !== 'ENABLED' && state !== 'DISABLED') {
    local.push({ path: pointer(path, 'state'), message: 'state must be "ENABLED" or "DISABLED"' });
  }
  if (!isPlainObject(variants)) {
    local.push({
      path: pointer(path, 'variants'),
      message: 'variants must be an object of name -> value',
    });
  } else if (strict) {
    if (Object.keys(variants).length === 0) {
      local.push({ path: pointer(path, 'variants'), message: 'a flag needs at least one variant' });
    }
    checkVariants(variants, path, local);
  }
  const defaultName = defaultVariant === null || defaultVariant === '' ? undefined : defaultVariant;
  if (defaultName !== undefined) {
    if (typeof defaultName !== 'string') {
      local.push({
        path: pointer(path, 'defaultVariant'),
        message: 'defaultVariant must be a variant name or null',
      });
    } else if (
      isPlainObject(variants) &&
      !Object.prototype.hasOwnProperty.call(variants, defaultName)
    ) {
      local.push({
        path: pointer(path, 'defaultVariant'),
        message: `unknown variant "${defaultName}"; variants are ${Object.keys(variants)
          .map((v) => JSON.stringify(v))
          .join(', ')}`,
      });
    }
  }
  if (strict) {
    if (metadata !== undefined) checkMetadata(metadata, pointer(path, 'metadata'), local);
    if (targeting !== undefined && targeting !== null && !isPlainObject(targeting)) {
      local.push({
        path: pointer(path, 'targeting'),
        message: 'targeting must be a JsonLogic object',
      });
    }
  }
  if (local.length > 0) {
    if (strict) {
      errors.push(...local);
      return undefined;
    }
    return broken(local.map((error) => `${error.path}: ${error.message}`).join('; '));
  }
  return {
    enabled: state === 'ENABLED',
    variants: variants as Record<string, FlagValue>,
    defaultVariant: defaultName as string | undefined,
    metadata: isPlainObject(metadata) ? metadata : undefined,
    targeting: hasTargeting(targeting) ? targeting : undefined,
  };
}

/** flagd treats falsy and empty targeting as none. */
function hasTargeting(targeting: unknown): boolean {
  return Boolean(targeting) && Object.keys(targeting as object).length > 0;
}

function broken(problem: string): FlagParts {
  return {
    enabled: true,
    variants: {},
    defaultVariant: undefined,
    metadata: undefined,
    targeting: undefined,
    problem: `Invalid flag definition: ${problem}`,
  };
}

/** The metadata of a flag set that has none. @internal */
export const EMPTY_METADATA: FlagMetadata = Object.freeze({});

/** Flag metadata overlays the flag set's; flags without their own share the set's object. @internal */
export function mergeMetadata(
  set: FlagMetadata,
  own: Record<string, unknown> | undefined,
): FlagMetadata {
  return own === undefined ? set : ({ ...set, ...own } as FlagMetadata);
}
