export * from './evaluation';
export * from './staleness';
export { FlagsModule } from './flags.module';
export { FlagService } from './flag.service';
export {
  FeatureFlag,
  type FeatureFlagOptions,
  type FeatureFlagRequirement,
} from './guards/feature-flag.decorator';
export { FeatureFlagGuard } from './guards/feature-flag.guard';
export { FlagValue } from './request/flag-value.decorator';
export { FlagsTestingModule, type FlagsTestingOptions } from './testing/flags-testing.module';
export { TestingFlags, type TestingFlagValue } from './testing/testing-flags';
export { FlagsHealthIndicator, type FlagsHealth } from './health/flags-health.indicator';
export type { FlagsModuleExtras, FlagsModuleOptions } from './flags-module-options';
export type { FlagsBinding, FlagsSource } from './flags-binding';
export { FlagsConfigurationError } from './flags-configuration.error';
export type { WebhookOptions } from './webhook/webhook-options';
export type { WebhookAlgorithm, WebhookKeyOptions } from './webhook/webhook-key';
export { bodySha256 } from './webhook/verify-token';
export { SIGNED_MEDIA_TYPE } from './webhook/webhook.constants';
export type { FlagSnapshot, SnapshotSource } from './cache/flag-snapshot';
export type { SnapshotChange } from './cache/flag-cache';
export type { FlagSetDocument } from './sync/flag-set-document';
export type { FlagsStatus } from './sync/flags-status';
export { FLAG_EVALUATION_EVENT, type FlagEvaluationEvent } from './usage/flag-evaluation.event';
export { flagSetChecksum } from './store/flag-set-checksum';
export {
  FlagStore,
  type ApplyOutcome,
  type ChangeRecord,
  type DeliveryRecord,
  type FlagSetChange,
  type StoredDefinition,
  type StoredFlagSet,
  type StoreState,
  type UsageCount,
} from './store/flag-store';
export { TypeOrmFlagStore } from './store/typeorm-flag.store';
export { InMemoryFlagStore } from './store/in-memory-flag.store';
export { FlagTablesMissingError } from './store/flag-tables-missing.error';
export { InvalidChangeError } from './store/invalid-change.error';
export { FLAG_ENTITIES } from './entities';
// migrations/ sits beside lib/ so hosts can point TypeORM's CLI at it; the build emits both.
export { FLAG_MIGRATIONS } from '../migrations';
