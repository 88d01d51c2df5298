import type { Type } from '@nestjs/common';
import {
  type ContextOptions,
  type ResolvedContextOptions,
  resolveContextOptions,
} from './core/context-options';
import {
  type EventOptions,
  type ResolvedEventOptions,
  resolveEventOptions,
} from './core/event-options';
import type { FeatureFlagGuard } from './core/feature-flag.guard';
import type { FlagSetDocument } from './core/flag-set-document';
import type { FlagsBinding } from './core/flags-binding';
import { FlagsConfigurationError } from './core/flags-configuration.error';
import { knownKeys } from './core/option-checks';
import {
  type MetricsOptions,
  type ResolvedMetricsOptions,
  resolveMetricsOptions,
} from './metrics/metrics-options';
import type { OfrepOptions } from './ofrep';
import type { FlagStore } from './ports/flag-store';
import {
  type ResolvedStoreOptions,
  type StoreOptions,
  resolveStoreOptions,
} from './store/store-options';
import {
  type ResolvedSyncOptions,
  type SyncOptions,
  resolveSyncOptions,
} from './sync/sync-options';
import {
  type ResolvedTelemetryOptions,
  type TelemetryOptions,
  resolveTelemetryOptions,
} from './telemetry/telemetry-options';
import {
  type ResolvedUsageOptions,
  type UsageOptions,
  resolveUsageOptions,
} from './usage/usage-options';
import type { WebhookOptions } from './webhook/webhook-options';
import { type WebhookRules, resolveWebhookRules } from './webhook/webhook-rules';

/**
 * Options of `FlagsModule.forRoot()` / `forRootAsync()`, grouped by feature.
 * @publicApi
 */
export interface FlagsModuleOptions {
  /**
   * Where flags are stored, and how long the module waits for it. By default the module keeps
   * them in the application's TypeORM DataSource (see `dataSourceName`), in the tables
   * `FLAG_MIGRATIONS` creates, each operation bounded by `timeoutMs` (5 s). A store of your own is
   * a `FlagStore` (given as is, or as `use`); the webhook also needs a `DeliveryLedger` and usage a
   * `UsageStore`, which the TypeORM and in-memory stores are too (a custom store can leave them to
   * `webhook.ledger` and `usage.store`).
   * @example new InMemoryFlagStore() // tests, or an app without a database
   * @example { timeoutMs: 3000 }
   * @default a TypeOrmFlagStore on the DataSource, { timeoutMs: 5000, connections: 2 }
   */
  store?: FlagStore | StoreOptions;
  /**
   * Flags to serve when the store cannot be read in time at startup (database down, migrations
   * not run): a path to a flagd flag file (resolved against the working directory), or the
   * document itself. Without it, every evaluation serves its code default until the store answers.
   * @example 'config/flags.bootstrap.json'
   * @default undefined
   */
  bootstrap?: string | FlagSetDocument;
  /**
   * Flags written to the store at startup when it has never been written (revision 0): a path
   * to a flagd flag file, or the document. Handy for a first deployment and for local
   * development; production flags come from the control plane.
   * @default undefined
   */
  seed?: string | FlagSetDocument;
  /** Loading at startup and following the store's changes. */
  sync?: SyncOptions;
  /** How a request becomes the evaluation context. */
  context?: ContextOptions;
  /**
   * The signed endpoints the control plane calls (docs/protocol.md). Without this option they
   * answer 404.
   * @default undefined
   */
  webhook?: WebhookOptions;
  /**
   * Usage counts stored for cleaning flags up; `false` turns storing them off (evaluations are
   * still counted in memory for metrics, unless `metrics` is off too).
   * @default on, with the defaults of UsageOptions
   */
  usage?: UsageOptions | boolean;
  /** Evaluations handed on as events. @default off */
  events?: EventOptions;
  /** Prometheus metrics. @default true (when prom-client is installed) */
  metrics?: MetricsOptions;
  /**
   * OpenTelemetry: a `feature_flag.evaluation` event for each evaluation (sampled as
   * `events.sampleRate` says) on the request's span (the one active when the request reached the
   * module; `span: 'active'` for the span active at each evaluation), a `flags.delivery` span for
   * each delivery. Given as
   * an object, `@opentelemetry/api` must be installed; `false` turns it off.
   * @example telemetry: { contextId: true } // also record the targeting key
   * @default on where `@opentelemetry/api` is installed, without the targeting key
   */
  telemetry?: TelemetryOptions;
  /**
   * An OpenFeature provider to serve these flags: `new HybridFlagsProvider()` from
   * `nestjs-hybrid-flags/openfeature`, bound to the module's in-memory flags while it runs.
   * @example openFeature: provider // the instance also given to OpenFeature.setProvider()
   * @default undefined
   */
  openFeature?: FlagsBinding;
}

/** Options known before any async factory runs. @publicApi */
export interface FlagsModuleExtras {
  /** Register the module globally, so every module can inject `FlagService`. @default false */
  isGlobal?: boolean;
  /**
   * The name of the TypeORM DataSource holding the flag tables, for applications with several
   * (the name given to `TypeOrmModule.forRoot({ name })`).
   * @default the default DataSource
   */
  dataSourceName?: string;
  /**
   * Where the signed endpoints live (docs/protocol.md).
   * @default '/_flags'
   */
  webhookPath?: string;
  /**
   * The global guard enforcing `@FeatureFlag()`: a subclass of `FeatureFlagGuard` to change its
   * behaviour, or `false` to register it yourself (e.g. `@UseGuards(AuthGuard, FeatureFlagGuard)`
   * where the flag needs the authenticated user, and your authentication guard is not global).
   * @default FeatureFlagGuard
   */
  guard?: Type<FeatureFlagGuard> | false;
  /**
   * Serve the OpenFeature Remote Evaluation Protocol (OFREP) from the application, for browsers
   * and services in other languages: `POST /ofrep/v1/evaluate/flags/{key}` and
   * `POST /ofrep/v1/evaluate/flags`. Only the flags `expose` selects are served (by default,
   * those whose metadata has `public: true`), and the server's request context overrides the
   * caller's. An extra, as it decides routes.
   * @example ofrep: true
   * @example ofrep: { path: 'flags-api', expose: 'all', guards: [ApiKeyGuard] }
   * @default off
   */
  ofrep?: boolean | OfrepOptions;
}

/**
 * The module options after defaults and checks, one group per feature; each feature's providers
 * read their own group.
 * @internal
 */
export interface ResolvedFlagsOptions {
  store: ResolvedStoreOptions;
  sync: ResolvedSyncOptions;
  context: ResolvedContextOptions;
  webhook?: WebhookRules;
  usage: ResolvedUsageOptions;
  events: ResolvedEventOptions;
  metrics: ResolvedMetricsOptions;
  telemetry: ResolvedTelemetryOptions;
  /** Whether evaluations are counted in memory: for usage, or for metrics. */
  counting: boolean;
  openFeature?: FlagsBinding;
}

const OPTIONS = [
  'store',
  'bootstrap',
  'seed',
  'sync',
  'context',
  'webhook',
  'usage',
  'events',
  'metrics',
  'telemetry',
  'openFeature',
];

/** Where the flat options of 0.1 went. */
const MOVED: Record<string, string> = {
  loadTimeoutMs: 'sync.loadTimeoutMs',
  retryIntervalMs: 'sync.retryIntervalMs',
  pollIntervalMs: 'sync.pollIntervalMs',
  listen: 'sync.listen',
  changeLogRetentionDays: 'sync.changeLogRetentionDays',
  requestContext: 'context.fromRequest',
  contextHeaders: 'context.headers',
  usageFlushMs: 'usage.flushMs',
  usageRetentionDays: 'usage.retentionDays',
  onEvaluation: 'events.onEvaluation',
  emitEvaluationEvents: 'events.emit',
  evaluationSampleRate: 'events.sampleRate',
  // Extras are read before async options resolve: forRootAsync({ isGlobal, useFactory }).
  isGlobal: 'given to forRootAsync() beside useFactory',
  dataSourceName: 'given to forRootAsync() beside useFactory',
  webhookPath: 'given to forRootAsync() beside useFactory',
  guard: 'given to forRootAsync() beside useFactory',
};

/** Applies defaults once and checks every option, each group by its feature. @internal */
export function resolveFlagsModuleOptions(options: FlagsModuleOptions = {}): ResolvedFlagsOptions {
  if (options === null || typeof options !== 'object') {
    throw new FlagsConfigurationError('the options are an object, e.g. { webhook: { … } }.');
  }
  knownKeys('', options, OPTIONS, MOVED);
  if (
    options.openFeature !== undefined &&
    (typeof options.openFeature?.bind !== 'function' ||
      typeof options.openFeature.unbind !== 'function')
  ) {
    throw new FlagsConfigurationError(
      "openFeature must be a HybridFlagsProvider (from 'nestjs-hybrid-flags/openfeature').",
    );
  }
  const sync = resolveSyncOptions(options.sync, options.bootstrap, options.seed);
  // The last usage flush is bounded like every read of the store at startup.
  const usage = resolveUsageOptions(options.usage, sync.loadTimeoutMs);
  const metrics = resolveMetricsOptions(options.metrics);
  return {
    store: resolveStoreOptions(options.store),
    sync,
    context: resolveContextOptions(options.context),
    ...(options.webhook === undefined ? {} : { webhook: resolveWebhookRules(options.webhook) }),
    usage,
    events: resolveEventOptions(options.events),
    metrics,
    telemetry: resolveTelemetryOptions(options.telemetry),
    // Metrics report the same totals, so they count even where usage is not stored.
    counting: usage !== false || metrics !== false,
    ...(options.openFeature === undefined ? {} : { openFeature: options.openFeature }),
  };
}
