import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { appDir } from './app-dir';

async function main(): Promise<void> {
  mkdirSync(join(appDir(), 'data'), { recursive: true });
  // rawBody: signed flag deliveries are verified against the exact bytes received.
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { rawBody: true });
  // Deliveries may be up to 5 MiB; Express parses 100 kB by default.
  app.useBodyParser('json', { limit: '5mb' });
  app.enableShutdownHooks();
  const port = Number(process.env.PORT ?? 3000);
  await app.listen(port);
  Logger.log(
    `Example app on http://localhost:${port}  (try: curl -H 'x-user-id: ada' -H 'x-plan: premium' -H 'x-country: US' localhost:${port}/)`,
    'ExampleApp',
  );
}

void main();
