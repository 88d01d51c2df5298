import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type INestApplication, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { appDir } from './app-dir';
import { listenHost } from './listen-host';

/**
 * Express by default; HTTP_ADAPTER=fastify runs the same app on Fastify. Both keep their own body
 * limits: the flags webhook reads its signed bodies itself.
 */
async function createApp(): Promise<INestApplication> {
  if (process.env.HTTP_ADAPTER === 'fastify') {
    const { FastifyAdapter } = await import('@nestjs/platform-fastify');
    return NestFactory.create(AppModule, new FastifyAdapter());
  }
  return NestFactory.create(AppModule);
}

async function main(): Promise<void> {
  mkdirSync(join(appDir(), 'data'), { recursive: true });
  const app = await createApp();
  app.enableShutdownHooks();
  const port = Number(process.env.PORT ?? 3000);
  const host = listenHost();
  await app.listen(port, host);
  Logger.log(
    `Example app on http://${host.includes(':') ? `[${host}]` : host}:${port} (${process.env.HTTP_ADAPTER === 'fastify' ? 'Fastify' : 'Express'})  (try: curl -H 'x-user-id: ada' -H 'x-plan: premium' -H 'x-country: US' localhost:${port}/)`,
    'ExampleApp',
  );
}

void main();
