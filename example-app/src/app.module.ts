import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FlagsModule } from '../../lib';
import { appDir } from './app-dir';
import { databaseOptions } from './database-options';
import { FlagsController } from './flags.controller';
import { webhookOptions } from './webhook-options';

const FLAG_FILE = join(appDir(), 'flags.json');

@Module({
  imports: [
    TypeOrmModule.forRootAsync({ useFactory: () => databaseOptions() }),
    FlagsModule.forRootAsync({
      isGlobal: true,
      useFactory: () => ({ seed: FLAG_FILE, bootstrap: FLAG_FILE, webhook: webhookOptions() }),
    }),
  ],
  controllers: [FlagsController],
})
export class AppModule {}
