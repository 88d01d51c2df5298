import { Logger } from '@nestjs/common';
import { UsageCounter } from '../core/usage-counter';
import type { UsageStore } from '../ports/usage-store';
import { UsageRecorder } from './usage-recorder';

const OPTIONS = { flushMs: 60_000, retentionDays: 400, stopTimeoutMs: 1000 };

function recorder(recordUsage: UsageStore['recordUsage']) {
  const store = { recordUsage } as UsageStore;
  const counter = new UsageCounter();
  counter.count('on', 'yes');
  const warnings: string[] = [];
  jest.spyOn(Logger.prototype, 'warn').mockImplementation((message) => {
    warnings.push(String(message));
  });
  return { recorder: new UsageRecorder(OPTIONS, store, counter), counter, warnings };
}

describe('UsageRecorder', () => {
  afterEach(() => jest.restoreAllMocks());

  it('keeps counts a periodic flush could not store, and says they will be retried', async () => {
    const {
      recorder: usage,
      counter,
      warnings,
    } = recorder(() => Promise.reject(new Error('database down')));
    await usage.flush();
    expect(warnings).toEqual([expect.stringMatching(/kept in memory and retried every 60000 ms/)]);
    expect(counter.takePending()).toEqual([expect.objectContaining({ flagKey: 'on', count: 1 })]);
  });

  it('says the last counts are lost when the flush at shutdown fails, not that they are retried', async () => {
    const { recorder: usage, warnings } = recorder(() =>
      Promise.reject(new Error('database down')),
    );
    await usage.onModuleDestroy();
    expect(warnings).toEqual([
      expect.stringMatching(/^The last usage counts could not be stored \(database down\)/),
    ]);
    expect(warnings.join()).not.toMatch(/retried/);
  });
});
