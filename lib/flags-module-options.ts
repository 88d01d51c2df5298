import type { ExecutionContext, Type } from '@nestjs/common';
import type { EvaluationContext } from './evaluation';
import { FlagsConfigurationError } from './core/flags-configuration.error';
import type { FlagsBinding } from './core/flags-binding';
import type { FeatureFlagGuard } from './core/feature-flag.guard';
import type { FlagStore } from './ports/flag-store';
import { type WebhookRules, resolveWebhookRules } from './webhook/webhook-rules';
import type { WebhookOptions } from './webhook/webhook-options';
import type { FlagSetDocument } from './core/flag-set-document';
import type { FlagEvaluationEvent } from './core/flag-evaluation.event';

/**
 * Options of `FlagsModule.forRoot()` / `forRootAsync()`.
 * @publicApi
 */
export interface FlagsModuleOptions {
  /**
   * Where flags are stored. By default the module keeps them in the application's TypeORM
   * DataSource (see `dataSourceName`), in the tables `FLAG_MIGRATIONS` creates.
   * @example new InMemoryFlagStore() // tests, or an app without a database
   * @default a TypeOrmFlagStore on the DataSource
   */
  store?: FlagStore;
  /**
   * Flags to serve when the store cannot be read in time at startup (database down, migrations
   * not run): a path to a flagd flag file, or the document itself. Without it, every evaluation
   * serves its code default until the store answers.
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
  /**
   * How long startup waits for the store before serving the bootstrap flags. The application
   * does not answer requests before the flags are loaded or this time has passed.
   * @default 5000
   */
  loadTimeoutMs?: number;
  /**
   * How often the store is asked again while it does not answer.
   * @default 1000
   */
  retryIntervalMs?: number;
  /**
   * How often each instance reads the store's revision (one indexed single-row read) to pick
   * up changes another instance received. On PostgreSQL, changes are also announced with
   * LISTEN/NOTIFY and picked up at once; polling is the safety net.
   * @default 500
   */
  pollIntervalMs?: number;
  /**
   * On PostgreSQL, hold one connection of the pool in LISTEN to pick up changes within
   * milliseconds. Turn it off where LISTEN cannot work, such as behind PgBouncer in transaction
   * pooling mode: changes then arrive within `pollIntervalMs`.
   * @default true
   */
  listen?: boolean;
  /**
   * How a request becomes an evaluation context, for `@FeatureFlag()`, `@FlagValue()` and every
   * `FlagService` call made while serving it (an explicit context argument merges over it).
   * Receives the request (HTTP, GraphQL context's `req`, or a message's data) and the
   * `ExecutionContext`.
   * @example (request) => ({ targetingKey: request.user?.id, plan: request.user?.plan })
   * @default `targetingKey` from `request.user.id` (or `.sub`), plus the `contextHeaders`
   */
  // any: the request type is the host's (Express, Fastify, a GraphQL context...).
  requestContext?: (request: any, context: ExecutionContext) => EvaluationContext;
  /**
   * Request headers the default `requestContext` copies into the context: header name (any
   * case) to attribute name.
   * @example { 'x-country': 'country', 'x-plan': 'plan' }
   * @default {}
   */
  contextHeaders?: Record<string, string>;
  /**
   * The signed endpoints the control plane calls (docs/protocol.md). Without this option they
   * answer 404.
   * @default undefined
   */
  webhook?: WebhookOptions;
  /**
   * An OpenFeature provider to serve these flags: `new HybridFlagsProvider()` from
   * `nestjs-hybrid-flags/openfeature`, bound to the module's in-memory flags while it runs.
   * @example openFeature: provider // the instance also given to OpenFeature.setProvider()
   * @default undefined
   */
  openFeature?: FlagsBinding;
  /**
   * Count evaluations per flag and variant in memory and add them to the store's usage table
   * every `usageFlushMs` and at shutdown: what `GET /_flags/usage` and `hybrid-flags stale` read
   * to tell which flags can go. Counting costs no I/O on the evaluation path.
   * @default true
   */
  usage?: boolean;
  /**
   * How often this instance adds its counts to the store.
   * @default 60000
   */
  usageFlushMs?: number;
  /**
   * Days of usage the store keeps; older days are deleted (once a day, by each instance).
   * @default 400
   */
  usageRetentionDays?: number;
  /**
   * Days of change log the store keeps (`GET /_flags/audit`); older entries are deleted, once a
   * day, by each instance. The stored definitions stay whatever their age. An instance that has
   * not read the store for a day less than this reloads every flag rather than follow the log.
   * At least 2.
   * @default 400
   */
  changeLogRetentionDays?: number;
  /**
   * Called with evaluations (flag key, variant, reason, targeting key, time): exposure events for
   * A/B analysis or an analytics pipeline. Called after the evaluation returned, in batches, so
   * a slow or failing listener never delays nor breaks one; a listener that throws is logged.
   * @example onEvaluation: (event) => analytics.track('exposure', event)
   * @default undefined (off)
   */
  onEvaluation?: (event: FlagEvaluationEvent) => void;
  /**
   * Also publish each event as `FLAG_EVALUATION_EVENT` ('flags.evaluation') through
   * `@nestjs/event-emitter` (import its `EventEmitterModule` in the application), for
   * `@OnEvent('flags.evaluation')` handlers.
   * @default false
   */
  emitEvaluationEvents?: boolean;
  /**
   * The share of evaluations passed to `onEvaluation` and the event emitter, from 0 to 1.
   * @example 0.01 // one evaluation in a hundred
   * @default 1
   */
  evaluationSampleRate?: number;
  /**
   * Prometheus metrics through `prom-client`, when the application has it installed: on its
   * default registry (what a `/metrics` endpoint usually serves), or the `registry` given.
   * `false` registers none. They are registered when the module starts and removed when it
   * stops; a registry holds one module's: a second `FlagsModule` alive on it registers none and
   * logs a warning. Names and labels: the README's "Metrics".
   * @example metrics: { registry: myRegistry }
   * @default true (when prom-client is installed)
   */
  // unknown: prom-client is an optional peer, its Registry type cannot be named here.
  metrics?: boolean | { registry?: unknown };
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
}

/** @internal */
export interface ResolvedFlagsModuleOptions {
  store?: FlagStore;
  bootstrap?: string | FlagSetDocument;
  seed?: string | FlagSetDocument;
  loadTimeoutMs: number;
  retryIntervalMs: number;
  pollIntervalMs: number;
  listen: boolean;
  requestContext?: (request: unknown, context: ExecutionContext) => EvaluationContext;
  contextHeaders: Readonly<Record<string, string>>;
  webhook?: WebhookRules;
  usage: boolean;
  usageFlushMs: number;
  usageRetentionDays: number;
  changeLogRetentionDays: number;
  onEvaluation?: (event: FlagEvaluationEvent) => void;
  emitEvaluationEvents: boolean;
  evaluationSampleRate: number;
  /** false: no metrics; otherwise the registry to use (undefined: prom-client's default). */
  metrics: false | { registry?: unknown };
}

function positiveInteger(
  name: string,
  value: number | undefined,
  fallback: number,
  unit = 'milliseconds',
  min = 1,
): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) {
    const range = min === 1 ? 'above 0' : `from ${min}`;
    throw new FlagsConfigurationError(
      `${name} must be a whole number of ${unit} ${range}, got ${String(value)}.`,
    );
  }
  return value;
}

function sampleRate(value: number | undefined): number {
  if (value === undefined) return 1;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new FlagsConfigurationError(
      `evaluationSampleRate is a share from 0 to 1 (0.01 for one evaluation in a hundred), got ${String(value)}.`,
    );
  }
  return value;
}

function metrics(value: FlagsModuleOptions['metrics']): false | { registry?: unknown } {
  if (value === false) return false;
  if (value === undefined || value === true) return {};
  if (value === null || typeof value !== 'object') {
    throw new FlagsConfigurationError(
      'metrics is true, false or { registry } (a prom-client Registry).',
    );
  }
  return { registry: value.registry };
}

function document(name: string, value: unknown): void {
  if (value === undefined || typeof value === 'string') return;
  if (
    value === null ||
    typeof value !== 'object' ||
    typeof (value as { flags?: unknown }).flags !== 'object'
  ) {
    throw new FlagsConfigurationError(
      `${name} must be a file path or a flag set document with a "flags" object.`,
    );
  }
}

function contextHeaders(value: unknown): Record<string, string> {
  if (value === undefined) return {};
  const entries = value !== null && typeof value === 'object' ? Object.entries(value) : undefined;
  if (entries === undefined || entries.some(([, attribute]) => typeof attribute !== 'string')) {
    throw new FlagsConfigurationError(
      "contextHeaders maps header names to attribute names, e.g. { 'x-plan': 'plan' }.",
    );
  }
  // Node lower-cases the header names it receives.
  return Object.fromEntries(
    entries.map(([header, attribute]) => [header.toLowerCase(), attribute]),
  );
}

/** Applies defaults once and checks every option. @internal */
export function resolveFlagsModuleOptions(
  options: FlagsModuleOptions = {},
): ResolvedFlagsModuleOptions {
  document('bootstrap', options.bootstrap);
  document('seed', options.seed);
  if (options.store !== undefined && typeof options.store?.load !== 'function') {
    throw new FlagsConfigurationError(
      'store must be a FlagStore (for example new InMemoryFlagStore()).',
    );
  }
  return {
    store: options.store,
    bootstrap: options.bootstrap,
    seed: options.seed,
    loadTimeoutMs: positiveInteger('loadTimeoutMs', options.loadTimeoutMs, 5000),
    retryIntervalMs: positiveInteger('retryIntervalMs', options.retryIntervalMs, 1000),
    pollIntervalMs: positiveInteger('pollIntervalMs', options.pollIntervalMs, 500),
    listen: options.listen !== false,
    ...(options.requestContext === undefined ? {} : { requestContext: options.requestContext }),
    contextHeaders: contextHeaders(options.contextHeaders),
    ...(options.webhook === undefined ? {} : { webhook: resolveWebhookRules(options.webhook) }),
    usage: options.usage !== false,
    usageFlushMs: positiveInteger('usageFlushMs', options.usageFlushMs, 60_000),
    usageRetentionDays: positiveInteger(
      'usageRetentionDays',
      options.usageRetentionDays,
      400,
      'days',
    ),
    // Instances follow the log for a day less than it is kept (lib/sync/change-log-horizon.ts).
    changeLogRetentionDays: positiveInteger(
      'changeLogRetentionDays',
      options.changeLogRetentionDays,
      400,
      'days',
      2,
    ),
    ...(options.onEvaluation === undefined ? {} : { onEvaluation: options.onEvaluation }),
    emitEvaluationEvents: options.emitEvaluationEvents === true,
    evaluationSampleRate: sampleRate(options.evaluationSampleRate),
    metrics: metrics(options.metrics),
  };
}
