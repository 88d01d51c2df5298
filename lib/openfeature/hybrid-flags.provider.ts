import {
  type EvaluationContext,
  ErrorCode,
  type JsonValue,
  OpenFeatureEventEmitter,
  type Provider,
  ProviderEvents,
  type ResolutionDetails,
  StandardResolutionReasons,
} from '@openfeature/server-sdk';
import type { ServedFlagsChange } from '../core/served-flags';
import type { EvaluationErrorCode, FlagValueType } from '../evaluation';
// The engine module itself, not the evaluation barrel: a call through a re-export reads a getter.
import { resolveValue } from '../evaluation/evaluate';
import { ResolutionRecord } from '../evaluation/resolution-record';
import type { FlagsBinding, FlagsSource } from '../core/flags-binding';

const ERROR_CODES: Readonly<Record<EvaluationErrorCode, ErrorCode>> = {
  FLAG_NOT_FOUND: ErrorCode.FLAG_NOT_FOUND,
  TYPE_MISMATCH: ErrorCode.TYPE_MISMATCH,
  PARSE_ERROR: ErrorCode.PARSE_ERROR,
  GENERAL: ErrorCode.GENERAL,
};

/**
 * An OpenFeature server provider that resolves flags from the same in-memory flags as
 * `FlagService`: synchronously (no I/O; the promises it returns are already resolved), with
 * flagd's semantics, reasons (`STATIC`, `TARGETING_MATCH`, `DEFAULT`, `DISABLED`, `ERROR`) and
 * error codes (`FLAG_NOT_FOUND`, `TYPE_MISMATCH`, `PARSE_ERROR`, `GENERAL`), and flag metadata.
 * It evaluates exactly the context OpenFeature gives it (global, transaction, client and
 * invocation contexts, merged by the SDK).
 *
 * **Binding.** OpenFeature needs the provider before the Nest container exists
 * (`OpenFeatureModule.forRoot({ defaultProvider })` runs when your module is declared), so it is
 * created unbound, and `FlagsModule` binds it to its flags when the module starts: give the same
 * instance to both. To inject it as well, register it: `{ provide: HybridFlagsProvider, useValue: provider }`.
 *
 * **Lifecycle.** `initialize()` (called by OpenFeature when the provider is set) resolves once
 * `FlagsModule` has bound it and finished its startup load: the store's flags are served, or
 * `loadTimeoutMs` has passed and the bootstrap flags (or code defaults) are, as for the rest of
 * the application; a database that is down delays it by `loadTimeoutMs` at most. It rejects only
 * when the process would exit still unbound (`setProviderAndWait` awaited before the application
 * is created), with a message saying to use `setProvider` there. Until then OpenFeature serves every default with `PROVIDER_NOT_READY`; so does the
 * provider after its module has stopped. `FlagService.status()` and `FlagsHealthIndicator`
 * say whether the store's flags are served.
 *
 * **Events.** Every later change (a delivery, another instance's change, the store's flags
 * replacing the bootstrap ones) emits `PROVIDER_CONFIGURATION_CHANGED` with `flagsChanged`, the
 * keys that may evaluate differently, and `metadata.revision`, the store revision now served.
 *
 * @example
 * // app.module.ts: plain OpenFeature
 * import { OpenFeature } from '@openfeature/server-sdk';
 * import { HybridFlagsProvider } from 'nestjs-hybrid-flags/openfeature';
 *
 * const flagsProvider = new HybridFlagsProvider();
 * OpenFeature.setProvider(flagsProvider);
 *
 * @Module({ imports: [FlagsModule.forRoot({ openFeature: flagsProvider, isGlobal: true })] })
 * export class AppModule {}
 *
 * // anywhere
 * await OpenFeature.getClient().getBooleanValue('new-checkout', false, { targetingKey: user.id });
 * @example
 * // with @openfeature/nestjs-sdk
 * @Module({
 *   imports: [
 *     FlagsModule.forRoot({ openFeature: flagsProvider, isGlobal: true }),
 *     OpenFeatureModule.forRoot({ defaultProvider: flagsProvider }),
 *   ],
 * })
 * export class AppModule {}
 * @publicApi
 */
export class HybridFlagsProvider implements Provider, FlagsBinding {
  readonly metadata = { name: 'nestjs-hybrid-flags' } as const;
  readonly runsOn = 'server';
  /** Where `PROVIDER_CONFIGURATION_CHANGED` is emitted; OpenFeature listens to it. */
  readonly events = new OpenFeatureEventEmitter();

  private source?: FlagsSource;
  /**
   * Where the engine records how each resolution went, read right after: the provider's own, so
   * that no other evaluation can come between. Resolution is synchronous, so one is enough.
   */
  private readonly resolution = new ResolutionRecord();
  private unsubscribe?: () => void;
  /** Whether the bound source has finished its startup load: changes after that are events. */
  private started = false;
  private whenBound!: (source: FlagsSource) => void;
  private bound: Promise<FlagsSource> = this.nextBinding();

  /**
   * Serves the flags of `source` from now on (replacing any earlier binding). `FlagsModule`
   * calls it when given the provider as its `openFeature` option.
   */
  bind(source: FlagsSource): void {
    if (source === this.source) return;
    this.release();
    this.source = source;
    this.started = false;
    this.unsubscribe = source.subscribe((change) => this.changed(source, change));
    void source.started.then(() => {
      if (this.source === source) this.started = true;
    });
    this.whenBound(source);
    this.bound = Promise.resolve(source);
  }

  /** Stops serving the flags of `source`, if still bound to it. `FlagsModule` calls it on stop. */
  unbind(source: FlagsSource): void {
    if (source !== this.source) return;
    this.release();
    this.bound = this.nextBinding();
  }

  /**
   * Called by OpenFeature: resolves once bound and past the startup load. Rejects only when the
   * process is about to exit with the provider still unbound: `setProviderAndWait` awaited before
   * `NestFactory.create` waits for a module that can never start, and would otherwise end the
   * process without a word.
   */
  async initialize(): Promise<void> {
    const source = this.source ?? (await this.boundBeforeExit());
    await source.started;
  }

  /**
   * Called by OpenFeature when the provider is replaced or OpenFeature is closed. The binding
   * follows `FlagsModule`, not OpenFeature: the provider can be set again.
   */
  async onClose(): Promise<void> {}

  resolveBooleanEvaluation(
    flagKey: string,
    defaultValue: boolean,
    context: EvaluationContext,
  ): Promise<ResolutionDetails<boolean>> {
    return Promise.resolve(this.resolve(flagKey, defaultValue, context, 'boolean'));
  }

  resolveStringEvaluation(
    flagKey: string,
    defaultValue: string,
    context: EvaluationContext,
  ): Promise<ResolutionDetails<string>> {
    return Promise.resolve(this.resolve(flagKey, defaultValue, context, 'string'));
  }

  resolveNumberEvaluation(
    flagKey: string,
    defaultValue: number,
    context: EvaluationContext,
  ): Promise<ResolutionDetails<number>> {
    return Promise.resolve(this.resolve(flagKey, defaultValue, context, 'number'));
  }

  resolveObjectEvaluation<T extends JsonValue>(
    flagKey: string,
    defaultValue: T,
    context: EvaluationContext,
  ): Promise<ResolutionDetails<T>> {
    return Promise.resolve(this.resolve(flagKey, defaultValue, context, 'object'));
  }

  private resolve<T>(
    flagKey: string,
    defaultValue: T,
    context: EvaluationContext,
    type: FlagValueType,
  ): ResolutionDetails<T> {
    const source = this.source;
    if (source === undefined) {
      return {
        value: defaultValue,
        reason: StandardResolutionReasons.ERROR,
        errorCode: ErrorCode.PROVIDER_NOT_READY,
        errorMessage:
          'HybridFlagsProvider is not bound to running flags: give it to FlagsModule.forRoot({ openFeature }).',
      };
    }
    // The engine's value types are OpenFeature's; a default of another type (null, an array)
    // is served as it is when the flag cannot be.
    const { flagSet } = source.served;
    const record = this.resolution;
    const value = resolveValue(flagSet, flagKey, type, defaultValue, context, record);
    // The record names the flag evaluated, which spares the usage count a lookup by key.
    source.evaluated(flagKey, record, context);
    const details: ResolutionDetails<T> = {
      value,
      reason: record.reason,
      // OpenFeature freezes what it is given: a copy keeps the flag set's own object intact.
      flagMetadata: { ...(record.flag?.metadata ?? flagSet.metadata) },
    };
    if (record.variant !== undefined) details.variant = record.variant;
    if (record.errorCode !== undefined) {
      details.errorCode = ERROR_CODES[record.errorCode];
      details.errorMessage = record.errorMessage;
    }
    return details;
  }

  private changed(source: FlagsSource, { current, changedKeys }: ServedFlagsChange): void {
    if (source !== this.source || !this.started || changedKeys.length === 0) return;
    this.events.emit(ProviderEvents.ConfigurationChanged, {
      flagsChanged: changedKeys,
      metadata: { revision: current.revision, source: current.source },
    });
  }

  private release(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.source = undefined;
    this.started = false;
  }

  /**
   * The next binding; or a rejection when Node is about to exit first, which it does only once
   * nothing else is pending (`beforeExit` is never emitted while a server listens or a timer runs).
   */
  private boundBeforeExit(): Promise<FlagsSource> {
    return new Promise((resolve, reject) => {
      const neverBound = () =>
        reject(
          new Error(
            'HybridFlagsProvider: the process is exiting and no FlagsModule has bound this provider. ' +
              'OpenFeature.setProviderAndWait() awaited before NestFactory.create() waits for a module ' +
              'that cannot start yet: call OpenFeature.setProvider(provider) there (the provider ' +
              'turns READY when FlagsModule has loaded its flags), or await setProviderAndWait after ' +
              'app.init(), and give the same provider to FlagsModule.forRoot({ openFeature }).',
          ),
        );
      process.once('beforeExit', neverBound);
      void this.bound.then((source) => {
        process.removeListener('beforeExit', neverBound);
        resolve(source);
      });
    });
  }

  private nextBinding(): Promise<FlagsSource> {
    return new Promise((resolve) => (this.whenBound = resolve));
  }
}
