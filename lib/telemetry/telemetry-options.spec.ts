import { resolveTelemetryOptions } from './telemetry-options';

describe('resolveTelemetryOptions', () => {
  it('is on where the API is installed unless turned off; an object requires the API', () => {
    expect(resolveTelemetryOptions(undefined)).toEqual({
      contextId: false,
      span: 'request',
      required: false,
    });
    expect(resolveTelemetryOptions(false)).toBe(false);
    expect(resolveTelemetryOptions({})).toEqual({
      contextId: false,
      span: 'request',
      required: true,
    });
    expect(resolveTelemetryOptions({ contextId: true })).toEqual({
      contextId: true,
      span: 'request',
      required: true,
    });
    expect(resolveTelemetryOptions({ span: 'active' })).toEqual({
      contextId: false,
      span: 'active',
      required: true,
    });
  });

  it.each([
    [true, /telemetry is false or an object of options, e\.g\. \{ contextId: true \}, got true/],
    [null, /telemetry is false or an object of options/],
    [[], /telemetry is false or an object of options/],
    [{ contextId: 'yes' }, /telemetry\.contextId is true or false.*got yes/],
    [{ contextID: true }, /unknown option telemetry\.contextID; the options are contextId, span/],
    [{ span: 'handler' }, /telemetry\.span is 'request' .* or 'active' .*got "handler"/],
    [{ span: true }, /telemetry\.span is 'request'.*got true/],
    [{ tracer: {} }, /unknown option telemetry\.tracer/],
  ])('refuses %p, saying what it takes', (value, message) => {
    expect(() => resolveTelemetryOptions(value)).toThrow(message);
  });
});
