import type { Provider } from '@nestjs/common';
import { optionsGroup } from '../core/flags.constants';
import { CHANGE_FEED_PROVIDERS } from './change-feed.provider';
import { FlagRefresher } from './flag-refresher';
import { StartupLoader } from './startup-loader';
import { type ResolvedSyncOptions, SYNC_OPTIONS } from './sync-options';

/** Loading the flags at startup and following the store's changes. @internal */
export const SYNC_PROVIDERS: Provider[] = [
  optionsGroup(SYNC_OPTIONS, (options: { sync: ResolvedSyncOptions }) => options.sync),
  ...CHANGE_FEED_PROVIDERS,
  StartupLoader,
  FlagRefresher,
];
