import type { LoggerService } from '@nestjs/common';

type Level = 'log' | 'warn' | 'error' | 'debug' | 'verbose';

/** A Nest logger that keeps what is logged, for tests of what the module tells operators. */
export class RecordingLogger implements LoggerService {
  readonly entries: Array<{ level: Level; message: unknown }> = [];

  log(message: unknown): void {
    this.entries.push({ level: 'log', message });
  }
  warn(message: unknown): void {
    this.entries.push({ level: 'warn', message });
  }
  error(message: unknown): void {
    this.entries.push({ level: 'error', message });
  }
  debug(message: unknown): void {
    this.entries.push({ level: 'debug', message });
  }
  verbose(message: unknown): void {
    this.entries.push({ level: 'verbose', message });
  }

  /** The structured entries whose `event` starts with `prefix`, with their level. */
  events(prefix: string): Array<Record<string, unknown> & { level: Level }> {
    return this.entries
      .filter(({ message }) =>
        String((message as { event?: unknown } | null)?.event).startsWith(prefix),
      )
      .map((entry) => ({ level: entry.level, ...(entry.message as Record<string, unknown>) }));
  }

  /** The messages logged at `level`, as text. */
  messages(level: Level): string[] {
    return this.entries.filter((entry) => entry.level === level).map((e) => String(e.message));
  }
}
