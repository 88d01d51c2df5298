import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type INestApplication, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { appDir } from './app-dir';

/** Deliveries may be up to 5 MiB; Express parses 100 kB and Fastify 1 MiB by default. */
const BODY_LIMIT = 5 * 1024 * 1024;

/** Express by default; HTTP_ADAPTER=fastify runs the same app on Fastify. */
async function createApp(): Promise<INestApplication> {
  // rawBody: signed flag deliveries are verified against the exact bytes received.
  if (process.env.HTTP_ADAPTER === 'fastify') {
    const { FastifyAdapter } = await import('@nestjs/platform-fastify');
    return NestFactory.create(AppModule, new FastifyAdapter({ bodyLimit: BODY_LIMIT }), {
      rawBody: true,
    });
  }
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { rawBody: true });
  app.useBodyParser('json', { limit: BODY_LIMIT });
  return app;
}

async function main(): Promise<void> {
  mkdirSync(join(appDir(), 'data'), { recursive: true });
  const app = await createApp();
  app.enableShutdownHooks();
  const port = Number(process.env.PORT ?? 3000);
  await app.listen(port, '0.0.0.0');
  Logger.log(
    `Example app on http://localhost:${port} (${process.env.HTTP_ADAPTER === 'fastify' ? 'Fastify' : 'Express'})  (try: curl -H 'x-user-id: ada' -H 'x-plan: premium' -H 'x-country: US' localhost:${port}/)`,
    'ExampleApp',
  );
}

void main();
