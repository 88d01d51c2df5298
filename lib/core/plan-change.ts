import type { FlagSetChange, StoredDefinition, StoredFlagSet } from '../ports/flag-store';
import { flagSetChecksum } from './flag-set-checksum';
import type { FlagSetDocument } from './flag-set-document';

function diff(
  current: StoredDefinition[],
  next: Record<string, unknown>,
): { upserts: StoredDefinition[]; deletes: string[] } {
  const stored = new Map(current.map((entry) => [entry.key, entry.definition]));
  const upserts: StoredDefinition[] = [];
  for (const [key, definition] of Object.entries(next)) {
    const text = JSON.stringify(definition);
    if (stored.get(key) !== text) upserts.push({ key, definition: text });
  }
  const deletes = [...stored.keys()].filter(
    (key) => !Object.prototype.hasOwnProperty.call(next, key),
  );
  return { upserts, deletes };
}

/**
 * The change that makes the store hold exactly `document`, as `revision`. Only definitions that
 * differ are written, so the change log records real changes only.
 * @internal
 */
export function planChange(
  current: StoredFlagSet,
  document: FlagSetDocument,
  revision: number,
  details: Pick<FlagSetChange, 'actor' | 'delivery' | 'at'>,
): FlagSetChange {
  const evaluators = document.$evaluators ?? {};
  const flags = diff(current.flags, document.flags);
  const shared = diff(current.evaluators, evaluators);
  const metadata = document.metadata === undefined ? null : JSON.stringify(document.metadata);
  return {
    baseRevision: current.revision,
    revision,
    checksum: flagSetChecksum(document.flags, evaluators),
    ...(metadata !== current.metadata ? { metadata } : {}),
    upsertFlags: flags.upserts,
    deleteFlags: flags.deletes,
    upsertEvaluators: shared.upserts,
    deleteEvaluators: shared.deletes,
    ...details,
  };
}
