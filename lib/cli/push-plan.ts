import { canonicalJson } from '../core/canonical-json';
import type { FlagSetDocument } from '../core/flag-set-document';

/** The flag set an application's store holds, as `GET /_flags/definitions` answers. @internal */
export interface StoredDocument {
  revision: number;
  checksum: string;
  flags: Record<string, unknown>;
  $evaluators: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}

/** What `push` sends: nothing, a patch of the differences, or a snapshot. @internal */
export type PushPlan =
  | { kind: 'none'; revision: number }
  | { kind: 'patch' | 'snapshot'; revision: number; body: Record<string, unknown>; keys: string[] };

function differences(
  current: Record<string, unknown>,
  next: Record<string, unknown>,
): { upsert: Record<string, unknown>; remove: string[] } {
  const upsert: Record<string, unknown> = {};
  for (const [key, definition] of Object.entries(next)) {
    const stored = Object.prototype.hasOwnProperty.call(current, key) ? current[key] : undefined;
    if (stored === undefined || canonicalJson(stored) !== canonicalJson(definition)) {
      upsert[key] = definition;
    }
  }
  const remove = Object.keys(current).filter(
    (key) => !Object.prototype.hasOwnProperty.call(next, key),
  );
  return { upsert, remove };
}

/** A snapshot of `document` as `revision`. @internal */
export function snapshotBody(document: FlagSetDocument, revision: number): Record<string, unknown> {
  return {
    kind: 'snapshot',
    revision,
    flags: document.flags,
    $evaluators: document.$evaluators ?? {},
    ...(document.metadata === undefined ? {} : { metadata: document.metadata }),
  };
}

/**
 * The delivery that makes the store hold `document`: a patch of the flags and evaluators that
 * differ, as the next revision on the current one; a snapshot when the metadata differs (patches
 * do not carry it), when asked, or when it is the smaller body.
 * @internal
 */
export function planPush(
  current: StoredDocument,
  document: FlagSetDocument,
  options: { snapshot?: boolean } = {},
): PushPlan {
  const revision = current.revision + 1;
  const flags = differences(current.flags, document.flags);
  const evaluators = differences(current.$evaluators, document.$evaluators ?? {});
  const keys = [
    ...Object.keys(flags.upsert),
    ...flags.remove,
    ...Object.keys(evaluators.upsert).map((name) => `$evaluators/${name}`),
    ...evaluators.remove.map((name) => `$evaluators/${name}`),
  ];
  const sameMetadata =
    canonicalJson(current.metadata ?? null) === canonicalJson(document.metadata ?? null);
  if (keys.length === 0 && sameMetadata) return { kind: 'none', revision: current.revision };

  const snapshot = snapshotBody(document, revision);
  if (options.snapshot === true || !sameMetadata) {
    return { kind: 'snapshot', revision, body: snapshot, keys };
  }
  const patch = {
    kind: 'patch',
    revision,
    baseRevision: current.revision,
    ...(Object.keys(flags.upsert).length > 0 ? { upsert: flags.upsert } : {}),
    ...(flags.remove.length > 0 ? { delete: flags.remove } : {}),
    ...(Object.keys(evaluators.upsert).length > 0 ? { $evaluators: evaluators.upsert } : {}),
    ...(evaluators.remove.length > 0 ? { deleteEvaluators: evaluators.remove } : {}),
  };
  const smaller = JSON.stringify(patch).length <= JSON.stringify(snapshot).length;
  return smaller
    ? { kind: 'patch', revision, body: patch, keys }
    : { kind: 'snapshot', revision, body: snapshot, keys };
}
