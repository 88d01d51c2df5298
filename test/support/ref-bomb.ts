/**
 * The delivery that took a fleet down: `$evaluators` e1…e<levels>, each an `or` of ten uses of
 * the one below, e0 a small rule reading the context. A few kilobytes of JSON, 10^levels nodes
 * once every `$ref` is expanded. `bomb` uses it; `neighbour` uses e0 alone, `plain` nothing.
 */
export function refBomb(levels: number) {
  const flag = (targeting?: unknown) => ({
    state: 'ENABLED',
    variants: { on: true, off: false },
    defaultVariant: 'off',
    ...(targeting === undefined ? {} : { targeting }),
  });
  const $evaluators: Record<string, unknown> = {
    e0: { in: [{ var: 'country' }, ['US', 'CA']] },
  };
  for (let i = 1; i <= levels; i++) {
    $evaluators[`e${i}`] = { or: Array.from({ length: 10 }, () => ({ $ref: `e${i - 1}` })) };
  }
  return {
    $evaluators,
    flags: {
      bomb: flag({ if: [{ $ref: `e${levels}` }, 'on', 'off'] }),
      neighbour: flag({ if: [{ $ref: 'e0' }, 'on', 'off'] }),
      plain: flag(),
    },
  };
}
