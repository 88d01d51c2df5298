import type { Provider, Type } from '@nestjs/common';
import { ActivityCounters } from './activity-counters';
import { CommitAnnouncer } from './commit-announcer';
import type { ResolvedContextOptions } from './context-options';
import { EvaluationEvents } from './evaluation-events';
import { EvaluationObserver } from './evaluation-observer';
import type { ResolvedEventOptions } from './event-options';
import { FeatureFlagGuard } from './feature-flag.guard';
import { FlagContextStorage } from './flag-context.storage';
import { FlagState } from './flag-state';
import { FlagValuePipe } from './flag-value.decorator';
import { FlagService } from './flag.service';
import { FlagsBinder, type FlagsBinding } from './flags-binding';
import {
  CONTEXT_OPTIONS,
  COUNTING,
  EVENT_OPTIONS,
  FLAGS_BINDING,
  optionsGroup,
} from './flags.constants';
import { FlagsHealthIndicator } from './flags-health.indicator';
import { RequestContextResolver } from './request-context.resolver';
import { UsageCounter } from './usage-counter';

/**
 * The core of a running module, whichever module runs it (`FlagsModule`, `FlagsTestingModule`):
 * the state served, `FlagService`, the request context, the guard and `@FlagValue()`, health,
 * counting and events.
 * @internal
 */
export const CORE_PROVIDERS: Provider[] = [
  optionsGroup(CONTEXT_OPTIONS, (options: { context: ResolvedContextOptions }) => options.context),
  optionsGroup(EVENT_OPTIONS, (options: { events: ResolvedEventOptions }) => options.events),
  optionsGroup(COUNTING, (options: { counting: boolean }) => options.counting),
  optionsGroup(FLAGS_BINDING, (options: { openFeature?: FlagsBinding }) => options.openFeature),
  FlagState,
  FlagService,
  FlagContextStorage,
  RequestContextResolver,
  FeatureFlagGuard,
  FlagValuePipe,
  FlagsHealthIndicator,
  UsageCounter,
  EvaluationEvents,
  EvaluationObserver,
  ActivityCounters,
  CommitAnnouncer,
  FlagsBinder,
];

/** What the application may inject from the core. @internal */
export const CORE_EXPORTS: Type[] = [
  FlagService,
  FlagsHealthIndicator,
  RequestContextResolver,
  FeatureFlagGuard,
  FlagValuePipe,
];
