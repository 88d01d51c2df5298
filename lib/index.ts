/*
 * Every value is exported as `export import name = module.name`, which compiles to a plain
 * assignment (`exports.name = module.name`). `export { name } from` and `export *` compile to
 * getters, and an exports object holding a few getters turns into a dictionary: compiled
 * TypeScript reads `nestjs_hybrid_flags_1.getBoolean` at every call, which then costs a getter
 * call or a dictionary lookup, as much again as a cheap evaluation. A test keeps it so.
 */
export type {
  EvaluationContext,
  EvaluationErrorCode,
  EvaluationResult,
  FlagMetadata,
  FlagValueType,
  JsonObject,
  JsonValue,
  ParseOptions,
  ParseResult,
  ResolutionReason,
  ValidationError,
} from './evaluation';
import * as evaluation from './evaluation';
export import FlagSet = evaluation.FlagSet;
export import evaluate = evaluation.evaluate;
export import evaluateAll = evaluation.evaluateAll;
export import evaluateFlag = evaluation.evaluateFlag;
export import getBoolean = evaluation.getBoolean;
export import getNumber = evaluation.getNumber;
export import getObject = evaluation.getObject;
export import getString = evaluation.getString;
export import parseFlagSet = evaluation.parseFlagSet;
export type {
  CodeReference,
  DailyUsage,
  ExpiredFlag,
  FlagLifecycle,
  FlagType,
  FlagUsage,
  LifecycleProblem,
  StaleFlag,
  StaleReason,
  StaleReasonCode,
  UsageReport,
  VariantCounts,
} from './staleness';
import * as staleness from './staleness';
export import DEFAULT_STALE_AFTER_DAYS = staleness.DEFAULT_STALE_AFTER_DAYS;
export import LAUNCHED_AFTER_DAYS = staleness.LAUNCHED_AFTER_DAYS;
export import STALE_REASON_CODES = staleness.STALE_REASON_CODES;
export import expiredFlags = staleness.expiredFlags;
export import readFlagLifecycle = staleness.readFlagLifecycle;
export import staleFlags = staleness.staleFlags;
import * as flagsModule from './flags.module';
export import FlagsModule = flagsModule.FlagsModule;
import * as flagService from './core/flag.service';
export import FlagService = flagService.FlagService;
export type { FeatureFlagOptions, FeatureFlagRequirement } from './core/feature-flag.decorator';
import * as featureFlagDecorator from './core/feature-flag.decorator';
export import FeatureFlag = featureFlagDecorator.FeatureFlag;
import * as featureFlagGuard from './core/feature-flag.guard';
export import FeatureFlagGuard = featureFlagGuard.FeatureFlagGuard;
import * as flagValueDecorator from './core/flag-value.decorator';
export import FlagValue = flagValueDecorator.FlagValue;
export type { FlagsHealth } from './core/flags-health.indicator';
import * as flagsHealthIndicator from './core/flags-health.indicator';
export import FlagsHealthIndicator = flagsHealthIndicator.FlagsHealthIndicator;
export type { FlagsModuleExtras, FlagsModuleOptions } from './flags-module-options';
export type { ContextOptions } from './core/context-options';
export type { OfrepFlag, OfrepOptions } from './ofrep';
export type { EventOptions } from './core/event-options';
export type { RedisSyncOptions, SyncOptions } from './sync/sync-options';
export type { RedisClient } from './sync/redis-connection';
export type { UsageOptions } from './usage/usage-options';
export type { MetricsOptions } from './metrics/metrics-options';
export type { TelemetryOptions } from './telemetry/telemetry-options';
export type { StoreOptions } from './store/store-options';
export type { FlagsBinding, FlagsSource } from './core/flags-binding';
import * as flagsConfigurationError from './core/flags-configuration.error';
export import FlagsConfigurationError = flagsConfigurationError.FlagsConfigurationError;
export type { WebhookOptions } from './webhook/webhook-options';
export type { WebhookAlgorithm, WebhookKeyOptions } from './webhook/webhook-key';
import * as verifyToken from './webhook/verify-token';
export import bodySha256 = verifyToken.bodySha256;
import * as webhookConstants from './webhook/webhook.constants';
export import SIGNED_MEDIA_TYPE = webhookConstants.SIGNED_MEDIA_TYPE;
export type { Delivery, PatchDelivery, SnapshotDelivery } from './webhook/delivery';
export type { ServedFlags, ServedFlagsChange, ServedFlagsSource } from './core/served-flags';
export type { FlagSetDocument } from './core/flag-set-document';
export type { ChangeNotifications, FlagsStatus } from './core/flags-status';
export type { FlagEvaluationEvent } from './core/flag-evaluation.event';
import * as flagEvaluationEvent from './core/flag-evaluation.event';
export import FLAG_EVALUATION_EVENT = flagEvaluationEvent.FLAG_EVALUATION_EVENT;
import * as flagSetChecksumModule from './core/flag-set-checksum';
export import flagSetChecksum = flagSetChecksumModule.flagSetChecksum;
export type {
  ChangeDecision,
  ChangeRecord,
  FlagSetChange,
  StoredDefinition,
  StoredFlagSet,
  StoreState,
} from './ports/flag-store';
import * as flagStore from './ports/flag-store';
export import FlagStore = flagStore.FlagStore;
export type { DeliveryRecord } from './ports/delivery-ledger';
import * as deliveryLedger from './ports/delivery-ledger';
export import DeliveryLedger = deliveryLedger.DeliveryLedger;
export type { UsageCount } from './ports/usage-store';
import * as usageStore from './ports/usage-store';
export import UsageStore = usageStore.UsageStore;
import * as typeOrmFlagStore from './store/typeorm-flag.store';
export import TypeOrmFlagStore = typeOrmFlagStore.TypeOrmFlagStore;
import * as inMemoryFlagStore from './store/in-memory-flag.store';
export import InMemoryFlagStore = inMemoryFlagStore.InMemoryFlagStore;
import * as flagTablesMissingError from './store/flag-tables-missing.error';
export import FlagTablesMissingError = flagTablesMissingError.FlagTablesMissingError;
import * as invalidChangeError from './ports/invalid-change.error';
export import InvalidChangeError = invalidChangeError.InvalidChangeError;
import * as storeUnreachableError from './ports/store-unreachable.error';
export import StoreUnreachableError = storeUnreachableError.StoreUnreachableError;
import * as entities from './entities';
export import FLAG_ENTITIES = entities.FLAG_ENTITIES;
// migrations/ sits beside lib/ so hosts can point TypeORM's CLI at it; the build emits both.
import * as migrations from '../migrations';
export import FLAG_MIGRATIONS = migrations.FLAG_MIGRATIONS;
