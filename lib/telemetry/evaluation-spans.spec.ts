import * as api from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import type { FlagState } from '../core/flag-state';
import { EvaluationSpans } from './evaluation-spans';

describe('EvaluationSpans', () => {
  const state = { served: { source: 'store', revision: 7 } } as unknown as FlagState;
  const addEvent = jest.fn();
  const spanContext = { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1 };
  const recording = {
    spanContext: () => spanContext,
    isRecording: () => true,
    addEvent,
  } as unknown as api.Span;
  const inSpan = (work: () => void) =>
    api.context.with(api.trace.setSpan(api.context.active(), recording), work);

  afterEach(() => {
    jest.useRealTimers();
    api.context.disable();
  });

  it('looks no span up until a context manager is registered, and starts recording within a second of it', () => {
    jest.useFakeTimers();
    const spans = new EvaluationSpans(
      api,
      { contextId: false, span: 'request', required: false },
      state,
    );
    const getActiveSpan = jest.spyOn(api.trace, 'getActiveSpan');
    const active = jest.fn();
    spans.onActive(active);
    try {
      spans.evaluated('beta', { variant: 'on', reason: 'STATIC' }, undefined, undefined);
      expect(getActiveSpan).not.toHaveBeenCalled();
      jest.advanceTimersByTime(1000);
      expect(active).not.toHaveBeenCalled();

      api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
      jest.advanceTimersByTime(1000);
      expect(active).toHaveBeenCalledTimes(1);
      inSpan(() =>
        spans.evaluated('beta', { variant: 'on', reason: 'STATIC' }, undefined, undefined),
      );
      expect(getActiveSpan).toHaveBeenCalledTimes(1);
      expect(addEvent).toHaveBeenCalledWith('feature_flag.evaluation', {
        'feature_flag.key': 'beta',
        'feature_flag.provider.name': 'nestjs-hybrid-flags',
        'feature_flag.result.reason': 'static',
        'feature_flag.result.variant': 'on',
        'feature_flag.version': '7',
      });
      // Found: it stops checking.
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      getActiveSpan.mockRestore();
      spans.onModuleDestroy();
    }
  });

  describe('once per request', () => {
    const options = { contextId: false, span: 'request', required: false } as const;
    const notRecording = { ...recording, isRecording: () => false } as unknown as api.Span;
    beforeEach(() => {
      api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
      addEvent.mockClear();
    });

    it('captures the active span if it records, else null for nothing to record', () => {
      const spans = new EvaluationSpans(api, options, state);
      expect(inSpan(() => spans.requestTarget())).toBe(recording);
      expect(
        api.context.with(api.trace.setSpan(api.context.active(), notRecording), () =>
          spans.requestTarget(),
        ),
      ).toBeNull();
      expect(spans.requestTarget()).toBeNull();
    });

    it('records on the span captured, without looking the active one up', () => {
      const spans = new EvaluationSpans(api, options, state);
      const getActiveSpan = jest.spyOn(api.trace, 'getActiveSpan');
      try {
        spans.evaluated('beta', { variant: 'on', reason: 'STATIC' }, undefined, recording);
        expect(getActiveSpan).not.toHaveBeenCalled();
        expect(addEvent).toHaveBeenCalledTimes(1);
        // Not a span that has stopped recording since (ended).
        spans.evaluated('beta', { variant: 'on', reason: 'STATIC' }, undefined, notRecording);
        expect(addEvent).toHaveBeenCalledTimes(1);
      } finally {
        getActiveSpan.mockRestore();
      }
    });

    it("captures nothing with span: 'active': each evaluation looks the span up", () => {
      const spans = new EvaluationSpans(api, { ...options, span: 'active' }, state);
      expect(inSpan(() => spans.requestTarget())).toBeUndefined();
    });
  });

  it('stops checking when the module stops', () => {
    jest.useFakeTimers();
    const spans = new EvaluationSpans(
      api,
      { contextId: false, span: 'request', required: false },
      state,
    );
    expect(jest.getTimerCount()).toBe(1);
    spans.onModuleDestroy();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('does nothing, and checks nothing, when telemetry is off', () => {
    jest.useFakeTimers();
    const spans = new EvaluationSpans(null, false, state);
    expect(jest.getTimerCount()).toBe(0);
    const active = jest.fn();
    spans.onActive(active);
    expect(active).not.toHaveBeenCalled();
    expect(() => spans.evaluated('beta', { reason: 'STATIC' }, undefined, undefined)).not.toThrow();
  });
});
