/** The UTC day of an instant, `YYYY-MM-DD`: the unit usage counts are stored by. @internal */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}
