import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { flagSetChecksum } from '../../core/flag-set-checksum';
import type { FlagSetDocument } from '../../core/flag-set-document';
import { type StaleFlag, type UsageReport, staleFlags } from '../../staleness';
import { parseFlagFile } from '../flag-file';
import { type FlagsClient, describeRefusal } from '../flags-client';
import { CommandError } from '../output';
import { type StoredDocument, planPush } from '../push-plan';

/** What the panel answers its page: a status and a JSON body. @internal */
export interface PanelAnswer {
  status: number;
  body: unknown;
}

/** One entry of the change log, as `GET /_flags/audit` answers. */
interface AuditEntry {
  id: number;
  revision: number;
  kind: string;
  key: string;
  actor: string | null;
  at: string;
}

const AUDIT_PAGE = 1000;
/** Pages of the change log read at most to find its end: the panel shows the latest entries. */
const AUDIT_PAGES = 20;
const AUDIT_SHOWN = 15;

const refused = (status: number, error: string, details: string[] = []): PanelAnswer => ({
  status,
  body: { error, details },
});

/**
 * What the control panel does, for its page: reads the application (state, definitions, usage,
 * the change log) and the flag file, explains evaluations, and changes flags as signed patches
 * based on the revision the page shows, writing each change back to the file. An application
 * that does not answer leaves the file editable; `push` sends what the file holds.
 * @internal
 */
export class PanelBackend {
  constructor(
    private readonly client: FlagsClient,
    /** The flag file kept as the source of truth, when there is one. */
    private readonly file: string | undefined,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async overview(): Promise<PanelAnswer> {
    return { status: 200, body: { app: await this.application(), file: this.fileState() } };
  }

  async evaluate(body: unknown): Promise<PanelAnswer> {
    const context = (body as { context?: unknown } | null)?.context ?? {};
    if (context === null || typeof context !== 'object' || Array.isArray(context)) {
      return refused(400, 'invalid_context', ['the context is a JSON object, e.g. {"plan":"pro"}']);
    }
    const answer = await this.reach(() => this.client.post('evaluate', { context }));
    if ('error' in answer) return refused(503, 'application_unreachable', [answer.error]);
    return answer.status === 200
      ? { status: 200, body: answer.body }
      : refused(answer.status, 'refused', [describeRefusal(answer)]);
  }

  /**
   * Sets or deletes flags (`null`) in the file (or, without one, in what the store holds) and
   * sends the change as a patch on `baseRevision`. Nothing is written unless the application
   * applied it, or cannot be reached (then only the file is, to push later).
   */
  async change(body: unknown): Promise<PanelAnswer> {
    const { baseRevision, flags } = (body ?? {}) as { baseRevision?: unknown; flags?: unknown };
    if (!Number.isInteger(baseRevision) || flags === null || typeof flags !== 'object') {
      return refused(400, 'invalid_change', [
        'send { "baseRevision": n, "flags": { "key": {…} } }',
      ]);
    }
    const edits = flags as Record<string, unknown>;
    const stored = await this.reach(() => this.definitions());
    const reachable = !('error' in stored);
    let base: FlagSetDocument;
    if (this.file !== undefined) {
      const read = this.readFile();
      if ('problems' in read) return refused(409, 'file_invalid', read.problems);
      base = read.document;
    } else if (reachable) {
      const { flags: storedFlags, $evaluators, metadata } = stored;
      base = { flags: storedFlags, $evaluators, ...(metadata === undefined ? {} : { metadata }) };
    } else {
      return refused(503, 'application_unreachable', [stored.error]);
    }
    const next = withEdits(base, edits);
    const problems = strictProblems(next);
    if (problems.length > 0) return refused(400, 'invalid_flags', problems);
    if (!reachable) {
      this.writeFile(next);
      return { status: 200, body: { pushed: false, reason: stored.error } };
    }
    if (stored.revision !== baseRevision) return this.conflict(baseRevision as number);
    const upsert = Object.fromEntries(Object.entries(edits).filter(([, value]) => value !== null));
    const remove = Object.keys(edits).filter((key) => edits[key] === null && key in stored.flags);
    const delivery = {
      kind: 'patch',
      revision: stored.revision + 1,
      baseRevision: stored.revision,
      ...(Object.keys(upsert).length > 0 ? { upsert } : {}),
      ...(remove.length > 0 ? { delete: remove } : {}),
    };
    const sent = await this.client.post('deliveries', delivery);
    if (sent.status === 409) return this.conflict(baseRevision as number);
    if (sent.status !== 200) return refused(sent.status, 'refused', [describeRefusal(sent)]);
    this.writeFile(next);
    return { status: 200, body: { pushed: true, revision: sent.body.revision } };
  }

  /** Sends what the file holds and the store does not, as `hybrid-flags push` does. */
  async push(): Promise<PanelAnswer> {
    if (this.file === undefined) return refused(400, 'no_file', ['start the panel with --file']);
    const read = this.readFile();
    if ('problems' in read) return refused(409, 'file_invalid', read.problems);
    const stored = await this.reach(() => this.definitions());
    if ('error' in stored) return refused(503, 'application_unreachable', [stored.error]);
    const plan = planPush(stored, read.document);
    if (plan.kind === 'none')
      return { status: 200, body: { pushed: false, revision: plan.revision } };
    const sent = await this.client.post('deliveries', plan.body);
    if (sent.status !== 200) return refused(sent.status, 'refused', [describeRefusal(sent)]);
    return { status: 200, body: { pushed: true, revision: sent.body.revision, keys: plan.keys } };
  }

  private async conflict(baseRevision: number): Promise<PanelAnswer> {
    const audit = await this.reach(() => this.audit());
    const moves = 'error' in audit ? [] : audit.filter((entry) => entry.revision > baseRevision);
    return { status: 409, body: { error: 'conflict', baseRevision, moves } };
  }

  private async application() {
    const state = await this.reach(() => this.client.get('state'));
    if ('error' in state) return { reachable: false, error: state.error };
    if (state.status !== 200) return { reachable: false, error: describeRefusal(state) };
    const [definitions, usage, audit] = await Promise.all([
      this.reach(() => this.definitions()),
      this.reach(() => this.client.get('usage?days=30')),
      this.reach(() => this.audit()),
    ]);
    const report =
      'error' in usage || usage.status !== 200 ? undefined : (usage.body as unknown as UsageReport);
    let stale: StaleFlag[] = [];
    try {
      stale = report === undefined ? [] : staleFlags(report, this.now());
    } catch {
      // A report this version cannot read: the verdicts are left out, the rest is shown.
    }
    return {
      reachable: true,
      state: state.body,
      definitions: 'error' in definitions ? null : definitions,
      usage: report ?? null,
      stale,
      audit: 'error' in audit ? [] : audit.slice(-AUDIT_SHOWN).reverse(),
    };
  }

  private async definitions(): Promise<StoredDocument> {
    const answer = await this.client.get('definitions');
    if (answer.status !== 200) throw new CommandError(describeRefusal(answer));
    return answer.body as unknown as StoredDocument;
  }

  private async audit(): Promise<AuditEntry[]> {
    const entries: AuditEntry[] = [];
    let after = 0;
    for (let page = 0; page < AUDIT_PAGES; page++) {
      const answer = await this.client.get(`audit?after=${after}&limit=${AUDIT_PAGE}`);
      if (answer.status !== 200) break;
      const changes = (answer.body.changes ?? []) as AuditEntry[];
      entries.push(...changes);
      if (changes.length < AUDIT_PAGE) break;
      after = changes[changes.length - 1].id;
    }
    return entries;
  }

  private fileState() {
    if (this.file === undefined) return null;
    const read = this.readFile();
    if ('problems' in read) return { path: this.file, problems: read.problems };
    const { flags, $evaluators = {} } = read.document;
    return {
      path: this.file,
      document: read.document,
      checksum: flagSetChecksum(flags, $evaluators),
    };
  }

  private readFile(): { document: FlagSetDocument } | { problems: string[] } {
    let text: string;
    try {
      text = readFileSync(this.file!, 'utf8');
    } catch (error) {
      return { problems: [`cannot read ${this.file}: ${(error as Error).message}`] };
    }
    return parseFlagFile(text);
  }

  /** Writes the file whole, as 2-space JSON in the order of its keys, through a rename. */
  private writeFile(document: FlagSetDocument): void {
    if (this.file === undefined) return;
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(document, null, 2)}\n`);
    renameSync(temporary, this.file);
  }

  /** What `call` answers, or why the application could not be reached. */
  private async reach<T>(call: () => Promise<T>): Promise<T | { error: string }> {
    try {
      return await call();
    } catch (error) {
      return { error: (error as Error).message };
    }
  }
}

/** `document` with each edited flag set in its place (new ones last), or removed when null. */
function withEdits(document: FlagSetDocument, edits: Record<string, unknown>): FlagSetDocument {
  const flags: Record<string, unknown> = {};
  for (const [key, definition] of Object.entries(document.flags)) {
    if (!(key in edits)) flags[key] = definition;
    else if (edits[key] !== null) flags[key] = edits[key];
  }
  for (const [key, definition] of Object.entries(edits)) {
    if (!(key in flags) && definition !== null) flags[key] = definition;
  }
  return { ...document, flags } as FlagSetDocument;
}

function strictProblems(document: FlagSetDocument): string[] {
  const parsed = parseFlagFile(JSON.stringify(document));
  return 'problems' in parsed ? parsed.problems : [];
}
