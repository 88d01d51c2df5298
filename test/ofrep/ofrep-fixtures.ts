import type { CanActivate, ExecutionContext, INestApplication, Provider } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import {
  type FlagSetDocument,
  FlagsModule,
  type FlagsModuleExtras,
  type FlagsModuleOptions,
  InMemoryFlagStore,
} from '../../lib';
import { writeFlagSet } from '../support/write-flag-set';

/** Flags of every type, a disabled one, one without a default variant, and two kept private. */
export const OFREP_FLAGS: FlagSetDocument = {
  flags: {
    'new-checkout': {
      state: 'ENABLED',
      variants: { on: true, off: false },
      defaultVariant: 'off',
      targeting: { if: [{ '==': [{ var: 'plan' }, 'internal'] }, 'on', 'off'] },
      metadata: { public: true, owner: 'payments' },
    },
    theme: {
      state: 'ENABLED',
      variants: { dark: 'dark', light: 'light' },
      defaultVariant: 'dark',
      metadata: { public: true },
    },
    'upload-limit': {
      state: 'ENABLED',
      variants: { small: 10, large: 100 },
      defaultVariant: 'large',
      metadata: { public: true },
    },
    banner: {
      state: 'ENABLED',
      variants: { sale: { text: 'Sale!' }, none: { text: '' } },
      defaultVariant: 'sale',
      metadata: { public: true },
    },
    legacy: {
      state: 'DISABLED',
      variants: { on: true, off: false },
      defaultVariant: 'on',
      metadata: { public: true },
    },
    // Targeting picks a variant from the context: an unknown one is a failure of this flag.
    picked: {
      state: 'ENABLED',
      variants: { a: 'A', b: 'B' },
      defaultVariant: 'a',
      targeting: { var: 'pick' },
      metadata: { public: true },
    },
    'admin-tools': {
      state: 'ENABLED',
      variants: { on: true, off: false },
      defaultVariant: 'on',
      metadata: { owner: 'secret-team' },
    },
  },
};

/** A guard that lets through requests carrying `x-api-key: key`. */
export class ApiKeyGuard implements CanActivate {
  constructor(private readonly key: string) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>();
    return request.headers['x-api-key'] === this.key;
  }
}

export interface OfrepApp {
  app: INestApplication;
  store: InMemoryFlagStore;
  /** The application's URL, the base URL of OFREP providers (with `ofrep.path`). */
  url: string;
  /** POSTs `body` (JSON) to `path` under the URL. */
  post(
    path: string,
    body: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; headers: Headers; text: string; json: () => any }>;
  close(): Promise<void>;
}

/** A running application serving `OFREP_FLAGS` with `ofrep`, on Express unless `fastify`. */
export async function startOfrepApp(
  options: FlagsModuleOptions & FlagsModuleExtras = {},
  {
    fastify = false,
    providers = [],
    flags = OFREP_FLAGS,
  }: { fastify?: boolean; providers?: Provider[]; flags?: FlagSetDocument } = {},
): Promise<OfrepApp> {
  const store = new InMemoryFlagStore();
  await writeFlagSet(store, flags);
  const moduleRef = await Test.createTestingModule({
    imports: [
      FlagsModule.forRoot({ store, sync: { pollIntervalMs: 20 }, ofrep: true, ...options }),
    ],
    providers,
  }).compile();
  const app = fastify
    ? moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
        logger: false,
      })
    : moduleRef.createNestApplication({ logger: false });
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return {
    app,
    store,
    url,
    async post(path, body, headers = {}) {
      const response = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      return {
        status: response.status,
        headers: response.headers,
        text,
        json: () => JSON.parse(text),
      };
    },
    close: () => app.close(),
  };
}
