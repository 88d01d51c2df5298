import { type FlagSetDocument, type FlagStore, flagSetChecksum } from '../../lib';

/**
 * Writes a whole flag set to a store as the next revision, as another instance's delivery would;
 * returns that revision.
 */
export async function writeFlagSet(store: FlagStore, document: FlagSetDocument): Promise<number> {
  const current = await store.load();
  const evaluators = document.$evaluators ?? {};
  const revision = current.revision + 1;
  const definitions = (entries: Record<string, unknown>) =>
    Object.entries(entries).map(([key, value]) => ({ key, definition: JSON.stringify(value) }));
  const result = await store.apply({
    baseRevision: current.revision,
    revision,
    checksum: flagSetChecksum(document.flags, evaluators),
    upsertFlags: definitions(document.flags),
    deleteFlags: current.flags.map((entry) => entry.key).filter((key) => !(key in document.flags)),
    upsertEvaluators: definitions(evaluators),
    deleteEvaluators: current.evaluators
      .map((entry) => entry.key)
      .filter((key) => !(key in evaluators)),
    at: new Date(),
  });
  if (result.status !== 'applied') throw new Error(`not applied: ${result.status}`);
  return revision;
}
