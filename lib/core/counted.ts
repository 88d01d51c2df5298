/** A count with its noun, singular for one: "1 flag", "3 flags". @internal */
export function counted(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
