import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { SIGNED_MEDIA_TYPE } from '../../lib';
import { devToken } from '../support/dev-token';
import { type ExampleApp, PLATFORMS, startExampleAppOnSqlite } from './example-app.fixture';

/** One sample of the Prometheus text format: `name{label="value",…} number`. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function samples(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (match === null) throw new Error(`not a sample: ${line}`);
      const labels = Object.fromEntries(
        [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, k, v]) => [k, v]),
      );
      return { name: match[1], labels, value: Number(match[3]) };
    });
}

/** The value of the one sample of `name` whose labels include `labels`. */
function valueOf(text: string, name: string, labels: Record<string, string> = {}): number {
  const found = samples(text).filter(
    (sample) =>
      sample.name === name &&
      Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
  if (found.length !== 1) throw new Error(`${found.length} samples of ${name} match`);
  return found[0].value;
}

// One application at a time: each registers its metrics on prom-client's default registry.
describe.each(PLATFORMS)('example app GET /metrics, on SQLite, $name', (platform) => {
  let started: ExampleApp;
  let app: INestApplication;

  beforeAll(async () => {
    started = await startExampleAppOnSqlite(platform);
    app = started.app;
  });

  afterAll(async () => {
    await started?.close();
  });

  /** Evaluations of `flag`, whatever the variant. */
  const evaluationsOf = (text: string, flag: string) =>
    (text.match(new RegExp(`^feature_flag_evaluations_total\\{flag="${flag}".*$`, 'gm')) ?? [])
      .map((line) => Number(line.split(' ').pop()))
      .reduce((sum, count) => sum + count, 0);

  const metrics = async () => {
    const response = await request(app.getHttpServer()).get('/metrics').expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return response.text;
  };

  it('counts the evaluations made, by flag and variant', async () => {
    const premium = { 'x-user-id': 'ada', 'x-country': 'us', 'x-plan': 'premium' };
    // @FeatureFlag('beta-dashboard') and @FlagValue('upload-limit-mb') evaluate once per request.
    for (let i = 0; i < 3; i++) {
      await request(app.getHttpServer()).get('/beta').set(premium).expect(200);
    }
    await request(app.getHttpServer()).get('/checkout').set(premium).expect(200);
    const text = await metrics();
    const evaluations = { flag: 'beta-dashboard', variant: 'on' };
    expect(valueOf(text, 'feature_flag_evaluations_total', evaluations)).toBe(3);
    // The variant of checkout-flow depends on the user (a fractional split): count them all.
    expect(evaluationsOf(text, 'checkout-flow')).toBe(1);
    expect(evaluationsOf(text, 'upload-limit-mb')).toBe(4);
    // GET / hands every flag on (evaluateAll): not counted, or every flag would look used.
    await request(app.getHttpServer()).get('/').set(premium).expect(200);
    expect(evaluationsOf(await metrics(), 'checkout-flow')).toBe(1);
    expect(valueOf(text, 'feature_flag_served_revision')).toBe(1);
    expect(valueOf(text, 'feature_flag_store_reachable')).toBe(1);
    expect(valueOf(text, 'feature_flag_served_source', { source: 'store' })).toBe(1);
    // SQLite cannot announce changes and no Redis is set: polling is how they arrive.
    expect(valueOf(text, 'feature_flag_notifications', { state: 'off' })).toBe(1);
    expect(valueOf(text, 'feature_flag_notifications', { state: 'live' })).toBe(0);
    expect(text).toContain('# HELP feature_flag_evaluations_total Flag evaluations');
  });

  it('counts a signed delivery and reports the revision it brought', async () => {
    const body = JSON.stringify({
      kind: 'patch',
      revision: 2,
      baseRevision: 1,
      upsert: {
        'beta-dashboard': {
          state: 'DISABLED',
          variants: { on: true, off: false },
          defaultVariant: 'on',
        },
      },
    });
    const post = (bearer: string) =>
      request(app.getHttpServer())
        .post('/_flags/deliveries')
        .set({ 'content-type': SIGNED_MEDIA_TYPE, authorization: `Bearer ${bearer}` })
        .send(body);
    const once = devToken(body);
    await post(once).expect(200);
    await post(once).expect(401);

    const text = await metrics();
    const deliveries = 'feature_flag_deliveries_total';
    expect(valueOf(text, deliveries, { outcome: 'applied', reason: '' })).toBe(1);
    expect(valueOf(text, deliveries, { outcome: 'refused', reason: 'invalid_token' })).toBe(1);
    expect(valueOf(text, 'feature_flag_served_revision')).toBe(2);
    expect(valueOf(text, 'feature_flag_reload_errors_total')).toBe(0);
  });
});
