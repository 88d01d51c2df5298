import { createHash } from 'node:crypto';
import type { FlagSetChange, FlagStore, StoredDefinition } from '../../lib';

/** A fixed instant with milliseconds, so precision loss shows. */
export const AT = new Date(Date.UTC(2026, 10, 23, 9, 59, 1, 7));

/** A change with nothing in it, on top of `baseRevision`. */
export function change(baseRevision: number, parts: Partial<FlagSetChange> = {}): FlagSetChange {
  return {
    baseRevision,
    revision: baseRevision + 1,
    checksum: `checksum-${baseRevision + 1}`,
    upsertFlags: [],
    deleteFlags: [],
    upsertEvaluators: [],
    deleteEvaluators: [],
    at: AT,
    ...parts,
  };
}

/** A flag definition whose text is easy to recognise. */
export function flag(key: string, variant = 'on'): StoredDefinition {
  return {
    key,
    definition: JSON.stringify({
      state: 'ENABLED',
      variants: { on: true, off: false },
      defaultVariant: variant,
    }),
  };
}

/** JSON text of at most `bytes` UTF-8 bytes, mixing 1-, 2-, 3- and 4-byte characters. */
export function largeText(bytes: number): string {
  const unit = 'ascii é 中文 😀 \\u0000 \\"quoted\\" \\n\\t ';
  const count = Math.floor((bytes - 20) / Buffer.byteLength(unit));
  return `{"description":"${unit.repeat(count)}"}`;
}

/**
 * A flag on for `count` customers, as a control plane writes "enable for these customers": 39
 * bytes an id, so 30,000 of them make 1.1 MiB. `salt` gives another list of the same size.
 */
export function customerListFlag(count: number, salt = ''): string {
  const ids = Array.from(
    { length: count },
    (_, i) => `cus_${createHash('sha256').update(`${salt}${i}`).digest('hex').slice(0, 32)}`,
  );
  return JSON.stringify({
    state: 'ENABLED',
    variants: { on: true, off: false },
    defaultVariant: 'off',
    targeting: { if: [{ in: [{ var: 'customerId' }, ids] }, 'on', 'off'] },
  });
}

/** Everything a store shows, to compare before and after a refused change. */
export async function contentsOf(store: FlagStore) {
  return {
    state: await store.state(),
    load: await store.load(),
    changes: await store.changes(0, 10_000),
  };
}
