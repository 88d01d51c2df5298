import type { Provider } from '@nestjs/common';
import { optionsGroup } from '../core/flags.constants';
import { ExpiredFlagsWarning } from './expired-flags.warning';
import { type ResolvedUsageOptions, USAGE_OPTIONS } from './usage-options';
import { UsageRecorder } from './usage-recorder';
import { UsageReports } from './usage-reports.service';

/** Storing usage counts, reporting them, and the startup warning about expired flags. @internal */
export const USAGE_PROVIDERS: Provider[] = [
  optionsGroup(USAGE_OPTIONS, (options: { usage: ResolvedUsageOptions }) => options.usage),
  UsageRecorder,
  UsageReports,
  ExpiredFlagsWarning,
];
