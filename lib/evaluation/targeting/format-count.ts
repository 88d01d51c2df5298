/** 1234567 as "1,234,567": the figures of limit messages. @internal */
export function formatCount(count: number): string {
  const digits = String(Math.floor(count));
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
