import type { CodeReference } from './code-reference.types';
import { type FlagLifecycle, type FlagType, readFlagLifecycle } from './flag-lifecycle';
import {
  STALE_REASON_CODES,
  type StaleReason,
  expiredReason,
  invalidMetadataReason,
  launchedReason,
  missingReason,
  unreferencedReason,
  unusedReason,
} from './stale-reason';
import type { FlagUsage, UsageReport, VariantCounts } from './usage-report.types';
import { DAY_MS, instant, latest, windowStart } from './utc-days';

/**
 * Days one variant must have been served to everyone, with the definition unchanged, before a
 * flag counts as launched.
 * @publicApi
 */
export const LAUNCHED_AFTER_DAYS = 7;

/** A flag with at least one reason to act on it. @publicApi */
export interface StaleFlag {
  key: string;
  inStore: boolean;
  /** The type the rules applied; null when the flag is not in the store. */
  type: FlagType | null;
  /** In the order of {@link STALE_REASON_CODES}. */
  reasons: StaleReason[];
  /** Evaluations in the report's window, this instance's unstored ones included. */
  evaluations: number;
  /** The latest known evaluation (ISO 8601), unstored ones counting as the report's time. */
  lastEvaluatedAt: string | null;
  /** Where the scanned source names the flag; empty when it was not scanned. */
  references: CodeReference[];
}

function total(counts: VariantCounts | undefined): number {
  let sum = 0;
  for (const count of Object.values(counts ?? {})) {
    if (typeof count === 'number' && Number.isFinite(count) && count > 0) sum += count;
  }
  return sum;
}

function addCounts(into: Map<string, number>, counts: VariantCounts | undefined): void {
  for (const [variant, count] of Object.entries(counts ?? {})) {
    if (typeof count === 'number' && Number.isFinite(count) && count > 0) {
      into.set(variant, (into.get(variant) ?? 0) + count);
    }
  }
}

/** What the rules need to know about one flag beyond its report entry. */
interface Facts {
  now: Date;
  report: UsageReport;
  lifecycle: FlagLifecycle;
  /** The latest evaluation known, stored or not. */
  lastEvaluatedAt: Date | null;
  evaluations: number;
}

/** The latest evaluation: stored, implied by a day's counts (a lower bound), or not stored yet. */
function lastEvaluation(flag: FlagUsage, reportedAt: Date): Date | null {
  let last = instant(flag.lastEvaluatedAt);
  for (const { day, counts } of flag.daily ?? []) {
    if (total(counts) > 0) last = latest(last, instant(`${day}T00:00:00Z`));
  }
  return total(flag.unflushed) > 0 ? latest(last, reportedAt) : last;
}

function unused(flag: FlagUsage, facts: Facts): StaleReason | undefined {
  const { staleAfterDays } = facts.lifecycle;
  if (staleAfterDays === null) return undefined;
  // A flag defined or changed recently is not stale yet, even if nothing evaluated it. With
  // neither date known, its age cannot be told: not reported rather than reported wrongly.
  const baseline = latest(facts.lastEvaluatedAt, instant(flag.updatedAt));
  if (baseline === null) return undefined;
  const idleMs = facts.now.getTime() - baseline.getTime();
  if (idleMs < staleAfterDays * DAY_MS) return undefined;
  return unusedReason({
    type: facts.lifecycle.type,
    idleDays: Math.floor(idleMs / DAY_MS),
    staleAfterDays,
    staleAfterDaysFrom: facts.lifecycle.staleAfterDaysFrom,
    lastEvaluatedAt: facts.lastEvaluatedAt,
  });
}

function launched(flag: FlagUsage, facts: Facts): StaleReason | undefined {
  // Only temporary flags launch. An operational flag (a kill switch) and a permission flag serve
  // one variant to everyone for months by design: that is them working, not them being done.
  const { type } = facts.lifecycle;
  if (type !== 'release' && type !== 'experiment') return undefined;
  const since = new Date(facts.now.getTime() - LAUNCHED_AFTER_DAYS * DAY_MS);
  const updatedAt = instant(flag.updatedAt);
  // Changed within the period (or unknown): what was served may not be what it serves now.
  if (updatedAt === null || updatedAt.getTime() > since.getTime()) return undefined;
  // The last LAUNCHED_AFTER_DAYS UTC days, today included; a shorter report cannot tell.
  const firstDay = windowStart(facts.now, LAUNCHED_AFTER_DAYS);
  if (typeof facts.report.since !== 'string' || facts.report.since > firstDay) return undefined;
  const served = new Map<string, number>();
  for (const { day, counts } of flag.daily ?? []) {
    if (day >= firstDay) addCounts(served, counts);
  }
  addCounts(served, flag.unflushed);
  if (served.size !== 1) return undefined;
  const [[variant, evaluations]] = served;
  // '' is the code default (disabled, error): nothing was launched.
  if (variant === '') return undefined;
  return launchedReason(variant, evaluations, LAUNCHED_AFTER_DAYS, updatedAt);
}

/** Every reason a flag in the store is reported for. */
function storedFlagReasons(
  flag: FlagUsage,
  facts: Facts,
  references: CodeReference[] | undefined,
): StaleReason[] {
  const { lifecycle } = facts;
  const reasons: StaleReason[] = lifecycle.problems.map((problem) =>
    invalidMetadataReason(problem.field, problem.value, problem.message),
  );
  if (lifecycle.expiresAt !== undefined && lifecycle.expiresAt.getTime() < facts.now.getTime()) {
    reasons.push(expiredReason(lifecycle.expiresAtText ?? lifecycle.expiresAt.toISOString()));
  }
  const wasLaunched = launched(flag, facts);
  if (wasLaunched !== undefined) reasons.push(wasLaunched);
  const wasUnused = unused(flag, facts);
  if (wasUnused !== undefined) reasons.push(wasUnused);
  if (references !== undefined && references.length === 0) {
    reasons.push(unreferencedReason(facts.evaluations, facts.report.since));
  }
  return reasons;
}

/** A flag neither stored nor evaluated: what a report entry starts from. @internal */
export const emptyFlagUsage = (key: string): FlagUsage => ({
  key,
  inStore: false,
  updatedAt: null,
  metadata: {},
  lastEvaluatedAt: null,
  counts: {},
  daily: [],
  unflushed: {},
});

/**
 * The flags to act on, sorted by key, each with its reasons (see {@link StaleReasonCode}) and a
 * message saying what to do. Pass the code references found in the application's source to
 * also report flags named in code but not in the store, and flags in the store named nowhere;
 * without them, those two rules need evaluations and cannot see code paths that never ran.
 *
 * Pure: no I/O; `now` decides what has expired and how long a flag has been idle. This
 * instance's unstored counts (`unflushed`) count as evaluations at the report's `generatedAt`.
 *
 * @example
 * const report: UsageReport = await (await fetch(`${base}/_flags/usage?days=30`, signed)).json();
 * for (const flag of staleFlags(report, new Date(), references)) {
 *   console.log(flag.key, flag.reasons.map((reason) => reason.message));
 * }
 * // new-checkout [ 'expired on 2027-03-01 (metadata.expiresAt): remove the flag from code, …' ]
 * @publicApi
 */
export function staleFlags(
  usage: UsageReport,
  now: Date,
  codeReferences?: readonly CodeReference[],
): StaleFlag[] {
  const reportedAt = instant(usage.generatedAt) ?? now;
  const byKey = new Map<string, CodeReference[]>();
  for (const reference of codeReferences ?? []) {
    const found = byKey.get(reference.key);
    if (found === undefined) byKey.set(reference.key, [reference]);
    else found.push(reference);
  }
  const flags = new Map<string, FlagUsage>();
  for (const flag of usage.flags ?? []) flags.set(flag.key, flag);
  for (const key of byKey.keys()) if (!flags.has(key)) flags.set(key, emptyFlagUsage(key));

  const stale: StaleFlag[] = [];
  for (const flag of flags.values()) {
    const references = codeReferences === undefined ? undefined : (byKey.get(flag.key) ?? []);
    const inStore = flag.inStore === true;
    const lifecycle = readFlagLifecycle(inStore ? flag.metadata : undefined);
    const facts: Facts = {
      now,
      report: usage,
      lifecycle,
      lastEvaluatedAt: lastEvaluation(flag, reportedAt),
      evaluations: total(flag.counts) + total(flag.unflushed),
    };
    const reasons = inStore
      ? storedFlagReasons(flag, facts, references)
      : facts.evaluations > 0 || (references?.length ?? 0) > 0
        ? [missingReason(facts.evaluations, usage.since, (references?.length ?? 0) > 0)]
        : [];
    if (reasons.length === 0) continue;
    reasons.sort((a, b) => STALE_REASON_CODES.indexOf(a.code) - STALE_REASON_CODES.indexOf(b.code));
    stale.push({
      key: flag.key,
      inStore,
      type: inStore ? lifecycle.type : null,
      reasons,
      evaluations: facts.evaluations,
      lastEvaluatedAt: facts.lastEvaluatedAt?.toISOString() ?? null,
      references: references ?? [],
    });
  }
  return stale.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
