import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import jwt from 'jsonwebtoken';
import { FlagStore, FlagsModule, InMemoryFlagStore, bodySha256, flagSetChecksum } from '../../lib';
import type { FlagSetDocument } from '../../lib';
import { type CapturedIo, captureIo } from './cli-io';

/*
 * What the end-to-end tests of the CLI's remote commands share: a control-plane key pair on disk,
 * flag files, a real application listening on 127.0.0.1 that trusts the key, and an IO whose
 * fetch records every exchange the CLI has with it.
 */

export const AUDIENCE = 'shop';
export const KID = 'cp';

/** A temp directory holding an EC P-256 private key; the application trusts its public half. */
export interface ControlPlane {
  dir: string;
  keyFile: string;
  publicPem: string;
  /** Signs a token for `body` as the CLI would, for a second writer the test plays. */
  token(body: string, claims?: Record<string, unknown>): string;
  /** Writes a flag file into the temp directory; returns its path. */
  flagFile(name: string, document: unknown): string;
}

export function controlPlane(): ControlPlane {
  const dir = mkdtempSync(join(tmpdir(), 'hybrid-flags-remote-'));
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const keyFile = join(dir, 'control-plane.pem');
  writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  return {
    dir,
    keyFile,
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    token(body, claims = {}) {
      const now = Math.floor(Date.now() / 1000);
      return jwt.sign(
        {
          aud: AUDIENCE,
          iat: now,
          exp: now + 60,
          jti: randomUUID(),
          body_sha256: bodySha256(body),
          sub: 'other-writer',
          ...claims,
        },
        privateKey,
        { algorithm: 'ES256', keyid: KID },
      );
    },
    flagFile(name, document) {
      const path = join(dir, name);
      writeFileSync(path, `${JSON.stringify(document, null, 2)}\n`);
      return path;
    },
  };
}

export interface FlagsApp {
  app: INestApplication;
  port: number;
  /** The signed endpoints, as `--url` takes them. */
  url: string;
  /** The store the application writes to, as the application resolves it. */
  store(): FlagStore;
  close(): Promise<void>;
}

/** A real application with the given store, listening on 127.0.0.1 on a free port. */
export async function startFlagsApp(
  plane: ControlPlane,
  store: FlagStore = new InMemoryFlagStore(),
): Promise<FlagsApp> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      FlagsModule.forRoot({
        store,
        sync: { loadTimeoutMs: 200 },
        webhook: { audience: AUDIENCE, keys: [{ kid: KID, publicKey: plane.publicPem }] },
      }),
    ],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return {
    app,
    port,
    url: `http://127.0.0.1:${port}/_flags`,
    store: () => app.get(FlagStore),
    close: () => app.close(),
  };
}

/** What the store holds, as a flag file would say it. */
export async function heldDocument(store: FlagStore): Promise<{
  revision: number;
  checksum: string;
  document: FlagSetDocument;
}> {
  const stored = await store.load();
  const parsed = (entries: { key: string; definition: string }[]) =>
    Object.fromEntries(entries.map(({ key, definition }) => [key, JSON.parse(definition)]));
  return {
    revision: stored.revision,
    checksum: stored.checksum,
    document: {
      flags: parsed(stored.flags),
      $evaluators: parsed(stored.evaluators),
      ...(stored.metadata === null ? {} : { metadata: JSON.parse(stored.metadata) }),
    },
  };
}

/** The checksum the application must report for a flag file's document. */
export const checksumOf = (document: FlagSetDocument): string =>
  flagSetChecksum(document.flags, document.$evaluators ?? {});

/** One request the CLI sent, and what it got back. */
export interface Exchange {
  method: string;
  /** The path under the origin, e.g. /_flags/deliveries. */
  path: string;
  /** The parsed JSON body, or undefined for a GET. */
  body: unknown;
  jti: string;
  sub?: string;
  aud?: unknown;
  /** undefined when the request failed without an answer. */
  status?: number;
  answer?: Record<string, unknown>;
}

export interface RecordingIo extends CapturedIo {
  exchanges: Exchange[];
  /** Runs before each request is forwarded (or instead, when it throws). */
  beforeForward?: (exchange: Exchange) => void | Promise<void>;
}

/**
 * A captured IO on the real clock (tokens must be valid for the running application) whose fetch
 * records every request the CLI sends, with its token's claims, and the answer.
 */
export function recordingIo(): RecordingIo {
  const io = captureIo('', Math.floor(Date.now() / 1000)) as RecordingIo;
  io.nowSeconds = () => Math.floor(Date.now() / 1000);
  io.exchanges = [];
  io.fetch = async (url, init) => {
    const bearer = new Headers(init.headers).get('authorization') ?? '';
    const claims = (jwt.decode(bearer.replace(/^Bearer /, '')) ?? {}) as Record<string, unknown>;
    const exchange: Exchange = {
      method: init.method ?? 'GET',
      path: new URL(url).pathname,
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
      jti: claims.jti as string,
      ...(claims.sub === undefined ? {} : { sub: claims.sub as string }),
      aud: claims.aud,
    };
    io.exchanges.push(exchange);
    await io.beforeForward?.(exchange);
    const response = await fetch(url, init);
    exchange.status = response.status;
    exchange.answer = (await response
      .clone()
      .json()
      .catch(() => undefined)) as Record<string, unknown>;
    return response;
  };
  return io;
}

/** The exchanges that were deliveries. */
export const deliveries = (io: RecordingIo): Exchange[] =>
  io.exchanges.filter(
    (exchange) => exchange.method === 'POST' && exchange.path.endsWith('/deliveries'),
  );

/** The arguments that point a remote command at an application. */
export const remoteArgs = (plane: ControlPlane, url: string, ...extra: string[]): string[] => [
  '--url',
  url,
  '--key',
  plane.keyFile,
  '--kid',
  KID,
  '--aud',
  AUDIENCE,
  ...extra,
];

/** A boolean flag with the variants on/off. */
export const flag = (defaultVariant: 'on' | 'off', extra: Record<string, unknown> = {}) => ({
  state: 'ENABLED',
  variants: { on: true, off: false },
  defaultVariant,
  ...extra,
});
