import type { Provider, Type } from '@nestjs/common';
import { OfrepEvaluator } from './ofrep-evaluator';
import { type ResolvedOfrepOptions } from './ofrep-options';
import { OFREP_OPTIONS } from './ofrep.constants';
import { type OfrepController, ofrepControllerAt } from './ofrep.controller';

/**
 * What `ofrep` adds to `FlagsModule`, decided before async options resolve since it decides
 * routes: the controller at its path, and what it uses. Nothing when OFREP is off.
 * @internal
 */
export function ofrepFeature(options: ResolvedOfrepOptions | undefined): {
  providers: Provider[];
  controllers: Array<Type<OfrepController>>;
} {
  if (options === undefined) return { providers: [], controllers: [] };
  return {
    providers: [{ provide: OFREP_OPTIONS, useValue: options }, OfrepEvaluator],
    controllers: [ofrepControllerAt(options)],
  };
}
