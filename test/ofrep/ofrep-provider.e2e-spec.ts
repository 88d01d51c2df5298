import { OFREPProvider } from '@openfeature/ofrep-provider';
import { type Client, OpenFeature } from '@openfeature/server-sdk';
import { type FlagsModuleOptions, type FlagsModuleExtras } from '../../lib';
import { ApiKeyGuard, type OfrepApp, startOfrepApp } from './ofrep-fixtures';

/*
 * OpenFeature's own OFREP provider for servers, through the OpenFeature server SDK, against the
 * routes FlagsModule mounts: what a service in another language sees of the application's flags.
 */
describe('OFREP through @openfeature/ofrep-provider and the OpenFeature server SDK', () => {
  let running: OfrepApp | undefined;

  async function clientOf(
    options: FlagsModuleOptions & FlagsModuleExtras = {},
    headers: Record<string, string> = {},
  ): Promise<Client> {
    running = await startOfrepApp({ context: { headers: { 'x-plan': 'plan' } }, ...options });
    await OpenFeature.setProviderAndWait(new OFREPProvider({ baseUrl: running.url, headers }));
    return OpenFeature.getClient();
  }

  afterEach(async () => {
    await OpenFeature.clearProviders();
    await running?.close();
  });

  it('resolves every type with its variant, reason and metadata', async () => {
    const client = await clientOf();
    expect(await client.getBooleanDetails('new-checkout', false, { plan: 'internal' })).toEqual({
      flagKey: 'new-checkout',
      value: true,
      variant: 'on',
      reason: 'TARGETING_MATCH',
      flagMetadata: { public: true, owner: 'payments' },
    });
    expect(await client.getStringValue('theme', 'none')).toBe('dark');
    expect(await client.getNumberValue('upload-limit', 0)).toBe(100);
    expect(await client.getObjectValue('banner', {})).toEqual({ text: 'Sale!' });
  });

  it('gives the code default, with FLAG_NOT_FOUND, for unexposed and unknown flags', async () => {
    const client = await clientOf();
    for (const key of ['admin-tools', 'no-such-flag']) {
      expect(await client.getBooleanDetails(key, false)).toMatchObject({
        value: false,
        errorCode: 'FLAG_NOT_FOUND',
        reason: 'ERROR',
      });
    }
    expect(await client.getBooleanValue('legacy', false)).toBe(false);
  });

  it("evaluates with the server's attributes over the caller's", async () => {
    const client = await clientOf({}, { 'x-plan': 'free' });
    expect(await client.getBooleanValue('new-checkout', true, { plan: 'internal' })).toBe(false);
  });

  it('answers a context over the limits with INVALID_CONTEXT', async () => {
    const client = await clientOf();
    expect(
      await client.getStringDetails('theme', 'none', { name: 'x'.repeat(10_000) }),
    ).toMatchObject({ value: 'none', errorCode: 'INVALID_CONTEXT' });
  });

  it("passes the routes' guards only with what they ask for", async () => {
    const guarded = { ofrep: { guards: [new ApiKeyGuard('k1')] } };
    const refused = await clientOf(guarded);
    expect(await refused.getStringDetails('theme', 'none')).toMatchObject({
      value: 'none',
      reason: 'ERROR',
    });
    await OpenFeature.clearProviders();
    await running?.close();
    const allowed = await clientOf(guarded, { 'x-api-key': 'k1' });
    expect(await allowed.getStringValue('theme', 'none')).toBe('dark');
  });
});
