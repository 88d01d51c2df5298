import { isMissingModule } from '../core/missing-module';
import type { PromClient } from './prom-client.types';

/**
 * Loads prom-client for the metrics: undefined when it is not installed; throws when it is
 * installed but cannot be loaded.
 * @internal
 */
export type PromClientLoader = () => PromClient | undefined;

/** The loader FlagsMetrics uses; tests replace it to play a host without prom-client. @internal */
export const PROM_CLIENT_LOADER = 'FLAGS:PROM_CLIENT_LOADER';

/**
 * `require`d here, lazily, and nowhere else: prom-client is an optional peer dependency, and
 * importing it statically would break every application that does not install it
 * (test/architecture/optional-peers.spec.ts checks this).
 * @internal
 */
export const loadPromClient: PromClientLoader = () => {
  try {
    return require('prom-client') as PromClient;
  } catch (error) {
    if (isMissingModule(error, 'prom-client')) return undefined;
    throw error;
  }
};
