import { DailyTask } from './daily-task';

const at = (iso: string) => new Date(iso);

describe('DailyTask', () => {
  it('runs once per UTC day, with the time of the tick that ran it', async () => {
    const runs: string[] = [];
    const task = new DailyTask(async (now) => {
      runs.push(now.toISOString());
    });
    await task.runIfDue(at('2026-03-01T23:00:00Z'));
    await task.runIfDue(at('2026-03-01T23:59:59.999Z'));
    await task.runIfDue(at('2026-03-02T00:00:00Z'));
    await task.runIfDue(at('2026-03-02T18:00:00Z'));
    expect(runs).toEqual(['2026-03-01T23:00:00.000Z', '2026-03-02T00:00:00.000Z']);
  });

  it('tries a failed run again no sooner than retryMs later, says so each time, and never rejects', async () => {
    const failures: unknown[] = [];
    let calls = 0;
    const task = new DailyTask(
      async () => {
        if (++calls <= 2) throw new Error(`failure ${calls}`);
      },
      60_000,
      (error) => failures.push((error as Error).message),
    );
    await expect(task.runIfDue(at('2026-03-01T10:00:00Z'))).resolves.toBeUndefined();
    await task.runIfDue(at('2026-03-01T10:00:59.999Z'));
    expect(calls).toBe(1);
    await task.runIfDue(at('2026-03-01T10:01:00Z'));
    await task.runIfDue(at('2026-03-01T10:02:00Z'));
    await task.runIfDue(at('2026-03-01T10:03:00Z'));
    expect(calls).toBe(3);
    expect(failures).toEqual(['failure 1', 'failure 2']);
  });

  it('tries again at the next tick by default, and survives a task that throws at once', async () => {
    let calls = 0;
    const task = new DailyTask(() => {
      if (++calls === 1) throw new Error('not even a promise');
      return Promise.resolve();
    });
    await expect(task.runIfDue(at('2026-03-01T10:00:00Z'))).resolves.toBeUndefined();
    await task.runIfDue(at('2026-03-01T10:00:00.001Z'));
    await task.runIfDue(at('2026-03-01T10:00:00.002Z'));
    expect(calls).toBe(2);
  });

  it('never runs twice at once: a tick during a run waits for it', async () => {
    let release = (): void => undefined;
    let calls = 0;
    const task = new DailyTask(async () => {
      calls++;
      await new Promise<void>((resolve) => (release = resolve));
      throw new Error('failed, so a later tick may run it again');
    });
    const first = task.runIfDue(at('2026-03-01T10:00:00Z'));
    const second = task.runIfDue(at('2026-03-01T10:00:01Z'));
    let idle = false;
    void task.idle.then(() => (idle = true));
    await Promise.resolve();
    expect(idle).toBe(false);
    release();
    await Promise.all([first, second, task.idle]);
    expect(idle).toBe(true);
    expect(calls).toBe(1);
  });
});
