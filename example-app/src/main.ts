import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { appDir } from './app-dir';

async function main(): Promise<void> {
  mkdirSync(join(appDir(), 'data'), { recursive: true });
  // rawBody: signed flag deliveries are verified against the exact bytes received.
  const app = await NestFactory.create(AppModule, { rawBody: true });
  app.enableShutdownHooks();
  const port = Number(process.env.PORT ?? 3000);
  await app.listen(port);
  Logger.log(
    `Example app on http://localhost:${port}  (try: curl -H 'x-user-id: ada' -H 'x-plan: premium' -H 'x-country: US' localhost:${port}/)`,
    'ExampleApp',
  );
}

void main();
