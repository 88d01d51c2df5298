import type { Logger } from '@nestjs/common';
import * as otelApi from '@opentelemetry/api';
import { FlagsConfigurationError } from '../core/flags-configuration.error';
import type { OtelApi } from './otel-api.types';
import { loadOtelApi } from './load-otel-api';
import { telemetryApi } from './telemetry-api';

// The API's own types fit the ones the library writes out (a compile-time check).
const realApi: OtelApi = otelApi;

function recordingLogger() {
  const lines: string[] = [];
  const logger = {
    debug: (message: string) => lines.push(`debug ${message}`),
    warn: (message: string) => lines.push(`warn ${message}`),
  } as unknown as Logger;
  return { lines, logger };
}

describe('telemetryApi', () => {
  const notInstalled = () => undefined;
  const broken = () => {
    throw new Error("Cannot find module './build/src/index.js'");
  };

  it('loads @opentelemetry/api where it is installed', () => {
    expect(loadOtelApi()?.trace).toBe(realApi.trace);
    const { lines, logger } = recordingLogger();
    expect(
      telemetryApi({ contextId: false, span: 'request', required: false }, loadOtelApi, logger),
    ).toBe(otelApi);
    expect(lines).toEqual([]);
  });

  it('never loads it when telemetry is false', () => {
    const load = jest.fn(loadOtelApi);
    expect(telemetryApi(false, load)).toBeNull();
    expect(load).not.toHaveBeenCalled();
  });

  it('is off where the API is not installed and telemetry was not asked for, said at debug level', () => {
    const { lines, logger } = recordingLogger();
    expect(
      telemetryApi({ contextId: false, span: 'request', required: false }, notInstalled, logger),
    ).toBeNull();
    expect(lines).toEqual(['debug @opentelemetry/api is not installed: no flag telemetry.']);
  });

  it('refuses to start when telemetry was asked for and the API is not installed', () => {
    const attempt = () =>
      telemetryApi({ contextId: true, span: 'request', required: true }, notInstalled);
    expect(attempt).toThrow(FlagsConfigurationError);
    expect(attempt).toThrow(
      /telemetry needs @opentelemetry\/api, which is not installed: install it \(npm install @opentelemetry\/api\)/,
    );
  });

  it('warns, or refuses when asked for, where the API is installed but cannot be loaded', () => {
    const { lines, logger } = recordingLogger();
    expect(
      telemetryApi({ contextId: false, span: 'request', required: false }, broken, logger),
    ).toBeNull();
    expect(lines).toEqual([
      expect.stringMatching(/^warn @opentelemetry\/api is installed but could not be loaded/),
    ]);
    expect(() =>
      telemetryApi({ contextId: false, span: 'request', required: true }, broken),
    ).toThrow(
      /could not be loaded \(Cannot find module '\.\/build\/src\/index\.js'\)\. Reinstall it/,
    );
  });
});
