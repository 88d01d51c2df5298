export * from './evaluation';
export * from './staleness';
export { FlagsModule } from './flags.module';
export { FlagService } from './core/flag.service';
export {
  FeatureFlag,
  type FeatureFlagOptions,
  type FeatureFlagRequirement,
} from './core/feature-flag.decorator';
export { FeatureFlagGuard } from './core/feature-flag.guard';
export { FlagValue } from './core/flag-value.decorator';
export { FlagsTestingModule, type FlagsTestingOptions } from './testing/flags-testing.module';
export { TestingFlags, type TestingFlagValue } from './testing/testing-flags';
export { FlagsHealthIndicator, type FlagsHealth } from './core/flags-health.indicator';
export type { FlagsModuleExtras, FlagsModuleOptions } from './flags-module-options';
export type { FlagsBinding, FlagsSource } from './core/flags-binding';
export { FlagsConfigurationError } from './core/flags-configuration.error';
export type { WebhookOptions } from './webhook/webhook-options';
export type { WebhookAlgorithm, WebhookKeyOptions } from './webhook/webhook-key';
export { bodySha256 } from './webhook/verify-token';
export { SIGNED_MEDIA_TYPE } from './webhook/webhook.constants';
export type { ServedFlags, ServedFlagsChange, ServedFlagsSource } from './core/served-flags';
export type { FlagSetDocument } from './core/flag-set-document';
export type { FlagsStatus } from './core/flags-status';
export { FLAG_EVALUATION_EVENT, type FlagEvaluationEvent } from './core/flag-evaluation.event';
export { flagSetChecksum } from './core/flag-set-checksum';
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
} from './ports/flag-store';
export { TypeOrmFlagStore } from './store/typeorm-flag.store';
export { InMemoryFlagStore } from './store/in-memory-flag.store';
export { FlagTablesMissingError } from './store/flag-tables-missing.error';
export { InvalidChangeError } from './ports/invalid-change.error';
export { FLAG_ENTITIES } from './entities';
// migrations/ sits beside lib/ so hosts can point TypeORM's CLI at it; the build emits both.
export { FLAG_MIGRATIONS } from '../migrations';
