import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { FlagdCore } from '@openfeature/flagd-core';
import {
  type EventDetails,
  type Hook,
  OpenFeature,
  ProviderEvents,
  ProviderStatus,
} from '@openfeature/server-sdk';
import {
  type FlagEvaluationEvent,
  FlagService,
  FlagsModule,
  type FlagsModuleOptions,
  FlagsConfigurationError,
  InMemoryFlagStore,
} from '../../lib';
import { HybridFlagsProvider } from '../../lib/openfeature';
import { DeliveryApplier } from '../../lib/webhook/delivery-applier';
import { UsageCounter } from '../../lib/core/usage-counter';
import { ControllableStore } from '../module/controllable.store';
import { BOOTSTRAP_FLAGS, STORE_FLAGS } from '../module/flags-fixtures';
import { sleep, until } from '../support/until';
import { BROKEN_FLAG, OPENFEATURE_FLAGS, theme, write } from './openfeature-fixtures';

describe('HybridFlagsProvider, through the OpenFeature server SDK', () => {
  const apps: INestApplication[] = [];

  /** A running FlagsModule with `provider` bound to it. */
  async function start(options: FlagsModuleOptions): Promise<INestApplication> {
    const moduleRef = await Test.createTestingModule({
      imports: [FlagsModule.forRoot(options)],
    }).compile();
    const app = await moduleRef.createNestApplication({ logger: false }).init();
    apps.push(app);
    return app;
  }

  /** The provider, bound to a module serving `OPENFEATURE_FLAGS`, and set as OpenFeature's. */
  async function served(options: FlagsModuleOptions = {}) {
    const store = new InMemoryFlagStore();
    await write(store, OPENFEATURE_FLAGS);
    const provider = new HybridFlagsProvider();
    const app = await start({
      store,
      sync: { pollIntervalMs: 20 },
      ...options,
      openFeature: provider,
    });
    await OpenFeature.setProviderAndWait(provider);
    return { store, provider, app, client: OpenFeature.getClient() };
  }

  /** Records the `flagsChanged` of every configuration change the client hears about. */
  function changesHeard(client: ReturnType<typeof OpenFeature.getClient>) {
    const heard: EventDetails<ProviderEvents.ConfigurationChanged>[] = [];
    client.addHandler(ProviderEvents.ConfigurationChanged, (details) => {
      if (details) heard.push(details);
    });
    return heard;
  }

  afterEach(async () => {
    await OpenFeature.clearProviders();
    OpenFeature.clearHandlers();
    OpenFeature.clearHooks();
    OpenFeature.setContext({});
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  describe('resolution', () => {
    it('resolves every type with its variant, reason and metadata', async () => {
      const { client, provider } = await served();
      expect(OpenFeature.providerMetadata.name).toBe(provider.metadata.name);
      expect(client.providerStatus).toBe(ProviderStatus.READY);

      expect(await client.getStringDetails('theme', 'none')).toEqual({
        flagKey: 'theme',
        value: 'dark',
        variant: 'dark',
        reason: 'STATIC',
        flagMetadata: { owner: 'design' },
      });
      expect(await client.getNumberDetails('upload-limit', 1)).toMatchObject({
        value: 100,
        variant: 'large',
        reason: 'STATIC',
      });
      expect(await client.getObjectValue('banner', {})).toEqual({ text: 'Sale!', color: 'red' });
      expect(await client.getBooleanValue('new-checkout', true)).toBe(false);
    });

    it('counts its evaluations in usage and passes them to onEvaluation', async () => {
      const events: FlagEvaluationEvent[] = [];
      const { client, app } = await served({
        events: { onEvaluation: (event) => events.push(event) },
      });
      await client.getBooleanValue('new-checkout', false, {
        targetingKey: 'user-1',
        plan: 'premium',
      });
      await client.getStringValue('theme', 'none');
      await client.getStringValue('absent', 'none');
      expect(app.get(UsageCounter).unflushed()).toEqual(
        new Map([
          ['new-checkout', { on: 1 }],
          ['theme', { dark: 1 }],
          ['absent', { '': 1 }],
        ]),
      );
      await until(() => events.length === 3);
      expect(events[0]).toMatchObject({
        flagKey: 'new-checkout',
        variant: 'on',
        reason: 'TARGETING_MATCH',
        targetingKey: 'user-1',
      });
    });

    it('evaluates targeting against the merged OpenFeature context', async () => {
      const { client } = await served();
      const premium = { targetingKey: 'user-42', plan: 'premium' };
      expect(await client.getBooleanDetails('new-checkout', false, premium)).toEqual({
        flagKey: 'new-checkout',
        value: true,
        variant: 'on',
        reason: 'TARGETING_MATCH',
        flagMetadata: { owner: 'payments', type: 'release' },
      });
      expect(
        await client.getBooleanDetails('new-checkout', true, {
          targetingKey: 'bot-1',
          plan: 'premium',
        }),
      ).toMatchObject({ value: false, variant: 'off', reason: 'TARGETING_MATCH' });

      // Global, client and invocation contexts merge before the provider sees them.
      OpenFeature.setContext({ plan: 'premium' });
      client.setContext({ targetingKey: 'user-7' });
      expect(await client.getBooleanValue('new-checkout', false)).toBe(true);
      expect(await client.getBooleanValue('new-checkout', true, { plan: 'free' })).toBe(false);
    });

    it('buckets `fractional` rollouts as flagd does, with flagd’s reason TARGETING_MATCH', async () => {
      const { client } = await served();
      const flagd = new FlagdCore();
      flagd.setConfigurations(JSON.stringify(OPENFEATURE_FLAGS));
      const seen = new Set<boolean>();
      for (let i = 0; i < 40; i++) {
        const context = { targetingKey: `user-${i}` };
        const details = await client.getBooleanDetails('rollout', false, context);
        const reference = flagd.resolveBooleanEvaluation('rollout', false, context);
        expect(details).toMatchObject({
          value: reference.value,
          variant: reference.variant,
          reason: reference.reason,
        });
        expect(details.reason).toBe('TARGETING_MATCH');
        seen.add(details.value);
      }
      expect([...seen].sort()).toEqual([false, true]);
    });

    it('serves the default for a disabled flag, with reason DISABLED and no error', async () => {
      const { client } = await served();
      const details = await client.getBooleanDetails('legacy', false);
      expect(details).toMatchObject({ value: false, reason: 'DISABLED' });
      expect(details.errorCode).toBeUndefined();
      expect(details.variant).toBeUndefined();
    });

    it('serves the default with the matching error code', async () => {
      const { client, store } = await served();
      expect(await client.getStringDetails('new-checkout', 'x')).toMatchObject({
        value: 'x',
        reason: 'ERROR',
        errorCode: 'TYPE_MISMATCH',
        errorMessage: expect.stringContaining('boolean flag'),
      });
      expect(await client.getBooleanDetails('theme', true)).toMatchObject({
        value: true,
        errorCode: 'TYPE_MISMATCH',
      });
      expect(await client.getNumberDetails('banner', 3)).toMatchObject({
        value: 3,
        errorCode: 'TYPE_MISMATCH',
      });
      expect(await client.getObjectDetails('upload-limit', { d: 1 })).toMatchObject({
        value: { d: 1 },
        errorCode: 'TYPE_MISMATCH',
      });
      expect(await client.getBooleanDetails('no-such-flag', true)).toMatchObject({
        value: true,
        reason: 'ERROR',
        errorCode: 'FLAG_NOT_FOUND',
      });
      expect(await client.getStringDetails('picked', 'z', { pick: 'b' })).toMatchObject({
        value: 'B',
        reason: 'TARGETING_MATCH',
      });
      expect(await client.getStringDetails('picked', 'z', { pick: 'nope' })).toMatchObject({
        value: 'z',
        reason: 'ERROR',
        errorCode: 'GENERAL',
      });

      // Loaded from the store leniently: a broken flag answers PARSE_ERROR, the others still work.
      await write(store, { flags: { ...OPENFEATURE_FLAGS.flags, broken: BROKEN_FLAG } });
      await until(() => apps[0].get(FlagService).revision === 2);
      expect(await client.getBooleanDetails('broken', true)).toMatchObject({
        value: true,
        errorCode: 'PARSE_ERROR',
      });
      expect(await client.getStringValue('theme', 'none')).toBe('dark');
    });

    it('runs application hooks around its resolutions', async () => {
      const { client } = await served();
      const calls: string[] = [];
      const hook: Hook = {
        before: () => ({ plan: 'premium' }),
        after: (hookContext, details) => {
          calls.push(`after ${hookContext.flagKey}=${String(details.value)} ${details.reason}`);
        },
        error: (hookContext, error) => {
          calls.push(`error ${hookContext.flagKey} ${(error as { code?: string }).code}`);
        },
      };
      client.addHooks(hook);
      expect(await client.getBooleanValue('new-checkout', false, { targetingKey: 'user-1' })).toBe(
        true,
      );
      await client.getNumberValue('theme', 0);
      expect(calls).toEqual([
        'after new-checkout=true TARGETING_MATCH',
        'error theme TYPE_MISMATCH',
      ]);
    });

    it('copies the flag metadata it returns, leaving the flag set’s own unfrozen', async () => {
      const { client, app } = await served();
      const details = await client.getStringDetails('theme', 'none');
      expect(Object.isFrozen(details.flagMetadata)).toBe(true);
      expect(Object.isFrozen(app.get(FlagService).evaluate('theme').flagMetadata)).toBe(false);
    });
  });

  describe('lifecycle', () => {
    it('is NOT_READY until FlagsModule binds it and has loaded, then READY', async () => {
      const store = new InMemoryFlagStore();
      await write(store, OPENFEATURE_FLAGS);
      const provider = new HybridFlagsProvider();
      const ready = jest.fn();
      OpenFeature.addHandler(ProviderEvents.Ready, ready);
      // As @openfeature/nestjs-sdk does, before any Nest container exists.
      OpenFeature.setProvider(provider);
      const client = OpenFeature.getClient();
      await sleep(20);
      expect(client.providerStatus).toBe(ProviderStatus.NOT_READY);
      expect(await client.getStringDetails('theme', 'none')).toMatchObject({
        value: 'none',
        errorCode: 'PROVIDER_NOT_READY',
      });
      expect(ready).not.toHaveBeenCalled();

      await start({ store, openFeature: provider });
      await until(() => ready.mock.calls.length === 1);
      expect(client.providerStatus).toBe(ProviderStatus.READY);
      expect(await client.getStringValue('theme', 'none')).toBe('dark');
    });

    it('becomes READY on the bootstrap flags when the store is down, and follows the store once it answers', async () => {
      const store = new ControllableStore();
      await write(store.inner, STORE_FLAGS);
      store.mode = 'down';
      const provider = new HybridFlagsProvider();
      OpenFeature.setProvider(provider);
      const client = OpenFeature.getClient();
      const heard = changesHeard(client);

      const startedAt = Date.now();
      await start({
        store,
        openFeature: provider,
        bootstrap: BOOTSTRAP_FLAGS,
        sync: { loadTimeoutMs: 100, retryIntervalMs: 10 },
      });
      await until(() => client.providerStatus === ProviderStatus.READY);
      expect(Date.now() - startedAt).toBeLessThan(1000);
      expect(await client.getStringValue('theme', 'none')).toBe('light');
      expect(heard).toEqual([]);

      store.mode = 'up';
      await until(() => heard.length === 1);
      expect(heard[0]).toMatchObject({ metadata: { revision: 1, source: 'store' } });
      expect([...(heard[0].flagsChanged ?? [])].sort()).toEqual(['new-checkout', 'theme']);
      expect(await client.getStringValue('theme', 'none')).toBe('dark');
    });

    it('stops serving when its module stops, and serves the next module it is bound to', async () => {
      const { client, provider, app } = await served();
      await app.close();
      apps.splice(0);
      expect(await client.getStringDetails('theme', 'none')).toMatchObject({
        value: 'none',
        reason: 'ERROR',
        errorCode: 'PROVIDER_NOT_READY',
      });

      const store = new InMemoryFlagStore();
      await write(store, { flags: { theme: theme('light') } });
      await start({ store, openFeature: provider });
      expect(await client.getStringValue('theme', 'none')).toBe('light');
    });

    it('can be set again after OpenFeature is closed: its binding follows FlagsModule', async () => {
      const { client, provider } = await served();
      await OpenFeature.close();
      await OpenFeature.clearProviders();
      await OpenFeature.setProviderAndWait(provider);
      expect(await client.getStringValue('theme', 'none')).toBe('dark');
    });

    it('refuses an openFeature option that is not a provider', async () => {
      await expect(
        start({ store: new InMemoryFlagStore(), openFeature: {} as HybridFlagsProvider }),
      ).rejects.toThrow(FlagsConfigurationError);
    });
  });

  describe('PROVIDER_CONFIGURATION_CHANGED', () => {
    it('names exactly the flags another instance’s write changed, once per revision', async () => {
      const { client, store, app } = await served();
      const heard = changesHeard(client);
      const flags = app.get(FlagService);

      await write(store, { flags: { ...OPENFEATURE_FLAGS.flags, theme: theme('light') } });
      await until(() => heard.length === 1);
      expect(heard[0]).toMatchObject({
        flagsChanged: ['theme'],
        metadata: { revision: 2, source: 'store' },
        providerName: 'nestjs-hybrid-flags',
      });
      expect(await client.getStringValue('theme', 'none')).toBe('light');

      // Another flag changes and one is removed; the theme is written again unchanged.
      const { legacy: _removed, ...rest } = OPENFEATURE_FLAGS.flags;
      const next = {
        flags: {
          ...rest,
          theme: theme('light'),
          'upload-limit': { ...(rest['upload-limit'] as object), defaultVariant: 'small' },
        },
      };
      await write(store, next);
      await until(() => heard.length === 2);
      expect([...(heard[1].flagsChanged ?? [])].sort()).toEqual(['legacy', 'upload-limit']);
      expect(await client.getNumberValue('upload-limit', 0)).toBe(10);
      expect(await client.getBooleanDetails('legacy', true)).toMatchObject({
        errorCode: 'FLAG_NOT_FOUND',
      });

      // A write that changes no definition moves the revision but changes no flag: no event.
      await write(store, next);
      await until(() => flags.revision === 4);
      await sleep(60);
      expect(heard).toHaveLength(2);
    });

    it('names the flags a delivery applied on this instance changed', async () => {
      const { client, app } = await served();
      const heard = changesHeard(client);
      const outcome = await app.get(DeliveryApplier).apply(
        {
          kind: 'patch',
          baseRevision: 1,
          revision: 2,
          upsert: { theme: theme('light'), extra: theme('dark') },
          delete: ['rollout'],
          $evaluators: {},
          deleteEvaluators: [],
        },
        { jti: 'delivery-1', acceptedUntil: Math.floor(Date.now() / 1000) + 60 },
      );
      expect(outcome).toMatchObject({ status: 'applied', revision: 2 });
      // Served at once by the instance that applied it: no poll interval to wait for.
      await until(() => heard.length === 1, 100);
      expect([...(heard[0].flagsChanged ?? [])].sort()).toEqual(['extra', 'rollout', 'theme']);
      expect(await client.getStringValue('extra', 'none')).toBe('dark');
      await sleep(60);
      expect(heard).toHaveLength(1);
    });

    it('reaches handlers registered on the OpenFeature API and on clients of any domain', async () => {
      const { store } = await served();
      const api = jest.fn();
      OpenFeature.addHandler(ProviderEvents.ConfigurationChanged, api);
      const domainClient = changesHeard(OpenFeature.getClient('checkout'));
      await write(store, { flags: { ...OPENFEATURE_FLAGS.flags, theme: theme('light') } });
      await until(() => api.mock.calls.length === 1 && domainClient.length === 1);
      expect(api.mock.calls[0][0]).toMatchObject({ flagsChanged: ['theme'] });
      expect(domainClient[0]).toMatchObject({ flagsChanged: ['theme'] });
    });
  });
});
