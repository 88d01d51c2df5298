import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FlagsModule } from '../../lib';
import { appDir } from './app-dir';
import { CheckoutService } from './checkout.service';
import { DashboardController } from './dashboard.controller';
import { DatabaseConnector } from './database-connector';
import { databaseOptions } from './database-options';
import { FlagsController } from './flags.controller';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';
import { requestContext } from './request-context';
import { webhookOptions } from './webhook-options';

const FLAG_FILE = join(appDir(), 'flags.json');

@Module({
  imports: [
    TypeOrmModule.forRootAsync({ useFactory: () => databaseOptions() }),
    TerminusModule.forRoot(),
    FlagsModule.forRootAsync({
      isGlobal: true,
      // OFREP at the root, for browsers and other services: the flags marked "public": true.
      ofrep: true,
      useFactory: () => ({
        seed: FLAG_FILE,
        bootstrap: FLAG_FILE,
        webhook: webhookOptions(),
        sync: {
          listen: process.env.FLAGS_LISTEN !== 'false',
          // Changes announced to every instance through Redis (README: "Every instance fresh").
          ...(process.env.REDIS_URL ? { redis: { url: process.env.REDIS_URL } } : {}),
          // How fast other instances pick up a change (see the README's "Every instance").
          ...(process.env.FLAGS_POLL_INTERVAL_MS
            ? { pollIntervalMs: Number(process.env.FLAGS_POLL_INTERVAL_MS) }
            : {}),
          ...(process.env.FLAGS_SAFETY_POLL_INTERVAL_MS
            ? { safetyPollIntervalMs: Number(process.env.FLAGS_SAFETY_POLL_INTERVAL_MS) }
            : {}),
        },
        // Who the caller is, for @FeatureFlag, @FlagValue and every FlagService call.
        context: {
          fromRequest: (request: { headers: Record<string, string> }) =>
            requestContext(request.headers),
        },
      }),
    }),
  ],
  controllers: [FlagsController, DashboardController, HealthController, MetricsController],
  providers: [DatabaseConnector, CheckoutService],
})
export class AppModule {}
