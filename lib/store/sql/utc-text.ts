/*
 * Instants cross the driver boundary as UTC text ('2026-11-23 09:59:00.123'), never as Date: the
 * pg and mysql2 drivers convert Dates with the process's local time zone, so a value written in
 * one zone reads back shifted in another, and the hour repeated when clocks go back cannot be told
 * apart. Text in a `timestamp(3)`/`datetime(3)` column is stored as written, on every database.
 */

/** A Date as 'YYYY-MM-DD HH:MM:SS.mmm' in UTC (years 1000-9999, checked before writing). @internal */
export function toUtcText(date: Date): string {
  return date.toISOString().slice(0, 23).replace('T', ' ');
}

const UTC_TEXT = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?/;

/** Reads what {@link toUtcText} wrote, with any number of fraction digits. @internal */
export function fromUtcText(value: unknown): Date {
  const match = UTC_TEXT.exec(String(value));
  if (match === null) throw new Error(`Unexpected timestamp from the database: ${String(value)}`);
  const [, year, month, day, hours, minutes, seconds, fraction = ''] = match;
  const millis = Number(fraction.padEnd(3, '0').slice(0, 3));
  return new Date(Date.UTC(+year, +month - 1, +day, +hours, +minutes, +seconds, millis));
}
