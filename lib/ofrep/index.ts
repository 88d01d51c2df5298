export type { OfrepFlag, OfrepOptions } from './ofrep-options';
export { resolveOfrepOptions } from './ofrep-options';
export { ofrepFeature } from './ofrep.providers';
