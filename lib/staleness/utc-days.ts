/** One day in milliseconds: the rules count days as 24-hour periods, UTC. */
export const DAY_MS = 86_400_000;

/** The UTC day of an instant, `YYYY-MM-DD`, the unit usage is stored by. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** The first UTC day of a window of `days` days ending with the day of `now`. */
export function windowStart(now: Date, days: number): string {
  return utcDay(new Date(now.getTime() - (days - 1) * DAY_MS));
}

/** An ISO 8601 instant from the usage report, or null when absent or not a date. */
export function instant(text: string | null | undefined): Date | null {
  if (typeof text !== 'string') return null;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : new Date(ms);
}

/** The later of two instants, either possibly null. */
export function latest(a: Date | null, b: Date | null): Date | null {
  if (a === null) return b;
  if (b === null) return a;
  return a.getTime() >= b.getTime() ? a : b;
}
