import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication, LoggerService } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test, type TestingModule } from '@nestjs/testing';
import { AppModule } from '../../example-app/src/app.module';

/** The HTTP adapters the example app runs on, created as main.ts creates them. */
export const PLATFORMS = [
  {
    name: 'Express',
    create: (moduleRef: TestingModule, logger: LoggerService | false = false) =>
      moduleRef.createNestApplication({ logger }),
  },
  {
    name: 'Fastify',
    // As main.ts does with HTTP_ADAPTER=fastify.
    create: (moduleRef: TestingModule, logger: LoggerService | false = false) =>
      moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger }),
  },
];

export interface ExampleApp {
  app: INestApplication;
  /** Closes the application and deletes its database. */
  close(): Promise<void>;
}

/**
 * The example app's AppModule on a fresh SQLite file, on `platform`, ready for requests; it logs
 * to `logger`, or nowhere.
 */
export async function startExampleAppOnSqlite(
  platform: (typeof PLATFORMS)[number],
  logger: LoggerService | false = false,
): Promise<ExampleApp> {
  const dir = mkdtempSync(join(tmpdir(), 'example-app-'));
  process.env.SQLITE_FILE = join(dir, 'flags.sqlite');
  delete process.env.DATABASE_URL;
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  const app = platform.create(moduleRef, logger);
  await app.init();
  await (app.getHttpAdapter().getInstance() as { ready?: () => Promise<unknown> }).ready?.();
  return {
    app,
    close: async () => {
      await app.close();
      delete process.env.SQLITE_FILE;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface ListeningExampleApp extends ExampleApp {
  /** Where it listens, on loopback. */
  url: string;
}

/** The example app on SQLite, on Express, listening on a free loopback port at `url`. */
export async function startListeningExampleApp(): Promise<ListeningExampleApp> {
  const started = await startExampleAppOnSqlite(PLATFORMS[0]);
  await started.app.listen(0, '127.0.0.1');
  return { ...started, url: (await started.app.getUrl()).replace('[::1]', '127.0.0.1') };
}
