import type { CanActivate, Type } from '@nestjs/common';
import { FlagsConfigurationError } from '../core/flags-configuration.error';
import { knownKeys, optionGroup } from '../core/option-checks';
import type { FlagMetadata } from '../evaluation';

/** What `expose` is asked about each flag. @publicApi */
export interface OfrepFlag {
  key: string;
  /** The flag's metadata, over the flag set's. */
  metadata: FlagMetadata;
}

/**
 * The OpenFeature Remote Evaluation Protocol (OFREP) served by the application itself, for
 * browsers (`@openfeature/ofrep-web-provider`) and services in other languages. What a caller
 * sends as its context is merged under the context the module derives from the request
 * (`context.headers`, `context.fromRequest`): the server's attributes win.
 * @publicApi
 */
export interface OfrepOptions {
  /**
   * Where the OFREP routes are mounted: `{path}/ofrep/v1/evaluate/flags` (the base URL given to
   * the OFREP providers is the application's URL followed by `path`).
   * @example 'flags-api' // POST /flags-api/ofrep/v1/evaluate/flags
   * @default '' (at the application's root)
   */
  path?: string;
  /**
   * Which flags OFREP evaluates; the others answer `FLAG_NOT_FOUND` and are left out of bulk
   * evaluations, metadata included. `'all'` for every flag (services you trust), or a function
   * of the flag's key and metadata, asked once per flag each time the flags served change.
   * @example (flag) => flag.key.startsWith('web-')
   * @default flags whose metadata has `public: true`
   */
  expose?: 'all' | ((flag: OfrepFlag) => boolean);
  /**
   * Guards on the OFREP routes only, besides the application's global guards: classes
   * (instantiated in FlagsModule, so their dependencies must be global) or instances.
   * @example guards: [new ApiKeyGuard(process.env.OFREP_KEY)]
   * @default []
   */
  guards?: Array<Type<CanActivate> | CanActivate>;
}

/** The `ofrep` extra after defaults and checks. @internal */
export interface ResolvedOfrepOptions {
  path: string;
  expose: (flag: OfrepFlag) => boolean;
  guards: Array<Type<CanActivate> | CanActivate>;
}

const EXAMPLE = "{ path: 'flags-api', expose: (flag) => flag.metadata.public === true }";

/** Flags whose metadata says `public: true`: nothing reaches a browser unless its file says so. */
const publicFlags = (flag: OfrepFlag) => flag.metadata.public === true;
const everyFlag = () => true;

function isGuard(value: unknown): boolean {
  return (
    typeof value === 'function' ||
    (value !== null &&
      typeof value === 'object' &&
      typeof (value as CanActivate).canActivate === 'function')
  );
}

/**
 * The `ofrep` extra resolved, or undefined when OFREP is off; throws at `forRoot()` when it is
 * wrong, since it decides which routes exist.
 * @internal
 */
export function resolveOfrepOptions(value: unknown): ResolvedOfrepOptions | undefined {
  if (value === undefined || value === false) return undefined;
  const group = optionGroup('ofrep', value === true ? {} : value, EXAMPLE);
  knownKeys('ofrep', group, ['path', 'expose', 'guards']);
  const { path = '', expose, guards = [] } = group;
  const segments = typeof path === 'string' ? path.split('/').filter(Boolean) : undefined;
  if (
    segments === undefined ||
    !segments.every((segment) => /^[\w.~-]+$/.test(segment) && !/^\.\.?$/.test(segment))
  ) {
    throw new FlagsConfigurationError(
      `ofrep.path must be a URL path of letters, digits, '-', '_', '.' and '/', e.g. 'flags-api', got ${JSON.stringify(path)}.`,
    );
  }
  if (expose !== undefined && expose !== 'all' && typeof expose !== 'function') {
    throw new FlagsConfigurationError(
      "ofrep.expose is 'all' or a function of the flag, e.g. (flag) => flag.metadata.public === true.",
    );
  }
  if (!Array.isArray(guards) || !guards.every(isGuard)) {
    throw new FlagsConfigurationError(
      'ofrep.guards is an array of guards (classes or instances with canActivate), e.g. [ApiKeyGuard].',
    );
  }
  return {
    path: segments.join('/'),
    expose:
      expose === 'all'
        ? everyFlag
        : expose === undefined
          ? publicFlags
          : (expose as ResolvedOfrepOptions['expose']),
    guards: guards as ResolvedOfrepOptions['guards'],
  };
}
