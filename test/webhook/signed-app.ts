import { generateKeyPairSync, randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import type { DatabaseTarget, TestDatabase } from '../store/database-targets';
import {
  FLAG_ENTITIES,
  FlagsModule,
  SIGNED_MEDIA_TYPE,
  type WebhookOptions,
  bodySha256,
} from '../../lib';

/*
 * What the end-to-end webhook suites share: the control plane's key, its tokens, and an
 * application on a fresh database of a target that trusts that key.
 */

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
export const PUBLIC_PEM = publicKey.export({ type: 'spki', format: 'pem' }).toString();
export const AUDIENCE = 'shop';

/** A token for `body`, signed like the control plane signs (ES256, kid `cp`), fresh `jti`. */
export function token(
  body: string | Buffer,
  overrides: Record<string, unknown> = {},
  options: jwt.SignOptions = {},
): string {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    aud: AUDIENCE,
    iat: now,
    exp: now + 60,
    jti: randomUUID(),
    body_sha256: bodySha256(body),
    sub: 'alice',
    ...overrides,
  };
  return jwt.sign(claims, privateKey, { algorithm: 'ES256', keyid: 'cp', ...options });
}

export interface SignedApp {
  app: INestApplication;
  database: TestDatabase;
  /** Closes the application and drops its database. */
  close(): Promise<void>;
}

/**
 * An application on a fresh, migrated database of `target`, whose webhook trusts the key that
 * `token()` signs with.
 */
export async function startSignedApp(
  target: DatabaseTarget,
  webhook: Partial<WebhookOptions> = {},
): Promise<SignedApp> {
  const database = await target.create();
  let app: INestApplication | undefined;
  try {
    await database.dataSource.runMigrations();
    const moduleRef = await Test.createTestingModule({
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({}),
          dataSourceFactory: async () => database.dataSource,
        }),
        FlagsModule.forRoot({
          webhook: {
            audience: AUDIENCE,
            keys: [{ kid: 'cp', publicKey: PUBLIC_PEM }],
            ...webhook,
          },
        }),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  } catch (error) {
    await app?.close();
    await database.drop();
    throw error;
  }
  const started = app;
  return {
    app: started,
    database,
    close: async () => {
      await started.close();
      await database.drop();
    },
  };
}

/** POSTs a delivery, by default with a fresh valid token for its exact bytes. */
export function postDelivery(
  app: INestApplication,
  body: string,
  bearer = token(body),
  type = SIGNED_MEDIA_TYPE,
) {
  return request(app.getHttpServer())
    .post('/_flags/deliveries')
    .set('content-type', type)
    .set('authorization', `Bearer ${bearer}`)
    .send(body);
}

/** POST /_flags/evaluate with a fresh token for the body. */
export function postEvaluate(app: INestApplication, body: string) {
  return request(app.getHttpServer())
    .post('/_flags/evaluate')
    .set('content-type', SIGNED_MEDIA_TYPE)
    .set('authorization', `Bearer ${token(body)}`)
    .send(body);
}

/** GET /_flags/state with a fresh token. */
export function getState(app: INestApplication) {
  return request(app.getHttpServer())
    .get('/_flags/state')
    .set('authorization', `Bearer ${token('')}`);
}

/**
 * Every row of the five flag tables, in a stable order: what "the database is unchanged" is
 * checked against (the delivery ids included, which `FlagStore.load()` does not show).
 */
export async function databaseRows(signed: SignedApp): Promise<Record<string, string[]>> {
  const rows: Record<string, string[]> = {};
  for (const entity of FLAG_ENTITIES) {
    const found = await signed.database.dataSource.getRepository(entity).find();
    rows[signed.database.dataSource.getMetadata(entity).tableName] = found
      .map((row) => JSON.stringify(row))
      .sort();
  }
  return rows;
}
