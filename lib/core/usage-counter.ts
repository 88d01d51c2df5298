import type { CompiledFlag, ObserverSlot } from '../evaluation/compiled-flag';
import { STORE_LIMITS } from '../ports/store-limits';

/** Evaluations of one flag that served one variant, since the process started. */
class VariantTally implements ObserverSlot {
  /** Evaluations counted. */
  total = 0;
  /** Of those, the ones handed to a flush. */
  flushed = 0;

  constructor(
    /** The counter counting them: on a flag's slot, it tells whose tally this is. */
    readonly owner: UsageCounter,
    readonly flag: FlagTally,
    /** The variant as served (undefined: the caller's default). */
    readonly served: string | undefined,
    /** The variant as stored: '' for none, and for a name no store can hold. */
    readonly variant: string,
  ) {}
}

class FlagTally {
  readonly variants: VariantTally[] = [];
}

/** Counts of one flag and variant not stored yet, handed out by {@link UsageCounter.takePending}. */
export interface PendingUsage {
  flagKey: string;
  variant: string;
  count: number;
}

type Counts = Map<string, Map<string, number>>;

function add(counts: Counts, flagKey: string, variant: string, count: number): void {
  let variants = counts.get(flagKey);
  if (variants === undefined) counts.set(flagKey, (variants = new Map()));
  variants.set(variant, (variants.get(variant) ?? 0) + count);
}

/**
 * Counts evaluations per flag and variant in memory: no I/O, no clock, no allocation once a flag
 * and variant were seen. The tally of the first variant a flag served is kept on the evaluated
 * flag itself, in its observer slot, tagged as this counter's, so counting is mostly a field read,
 * two comparisons and an increment; only keys absent from the flag set, and flags whose slot
 * another counter holds, are looked up by key. Totals only grow; what was flushed is tracked
 * beside them, and counts a flush could not store are handed back, so nothing is lost.
 * @internal
 */
export class UsageCounter {
  /**
   * Distinct keys counted at most: keys come from code, but a key built from input (a bug) must
   * not grow memory without bound. Keys past the cap are not counted.
   */
  static readonly MAX_KEYS = 10_000;

  private readonly flags = new Map<string, FlagTally>();
  /** Counts taken by a flush that failed, to go with the next one. */
  private returned: Counts = new Map();
  private uncountedKeys = 0;

  /**
   * Counts one evaluation of `key` that served `variant` (undefined: the caller's default).
   * @param flag the flag evaluated, when the set has it
   */
  count(key: string, variant: string | undefined, flag?: CompiledFlag): void {
    // The evaluated flag keeps the tally of the first variant it served, usually the one most
    // served: then counting is a field read, two comparisons and an increment, all inlined into
    // the evaluating caller. Everything else is out of line.
    const slot = flag?.observerSlot;
    if (slot !== undefined && slot.owner === this && (slot as VariantTally).served === variant) {
      (slot as VariantTally).total++;
    } else {
      this.countOtherwise(key, variant, flag, slot);
    }
  }

  /**
   * Everything counted and not yet flushed, one entry per flag and stored variant, marked as
   * flushed. Give it back with {@link restore} when storing it failed.
   */
  takePending(): PendingUsage[] {
    const counts = this.returned;
    this.returned = new Map();
    for (const [flagKey, flag] of this.flags) {
      for (const tally of flag.variants) {
        const count = tally.total - tally.flushed;
        if (count <= 0) continue;
        add(counts, flagKey, tally.variant, count);
        tally.flushed = tally.total;
      }
    }
    const pending: PendingUsage[] = [];
    for (const [flagKey, variants] of counts) {
      for (const [variant, count] of variants) pending.push({ flagKey, variant, count });
    }
    return pending;
  }

  /** Hands back counts taken by {@link takePending} that could not be stored. */
  restore(pending: readonly PendingUsage[]): void {
    for (const { flagKey, variant, count } of pending) add(this.returned, flagKey, variant, count);
  }

  /** Counts not flushed yet, by flag key and stored variant. */
  unflushed(): Map<string, Record<string, number>> {
    const counts: Counts = new Map();
    for (const [flagKey, variants] of this.returned) {
      for (const [variant, count] of variants) add(counts, flagKey, variant, count);
    }
    for (const [flagKey, flag] of this.flags) {
      for (const tally of flag.variants) {
        const count = tally.total - tally.flushed;
        if (count > 0) add(counts, flagKey, tally.variant, count);
      }
    }
    return new Map(
      [...counts].map(([flagKey, variants]) => [flagKey, Object.fromEntries(variants)]),
    );
  }

  /** Every total since the process started, by flag key and stored variant. */
  forEachTotal(visit: (flagKey: string, variant: string, total: number) => void): void {
    for (const [flagKey, flag] of this.flags) {
      const totals = new Map<string, number>();
      for (const tally of flag.variants) {
        totals.set(tally.variant, (totals.get(tally.variant) ?? 0) + tally.total);
      }
      for (const [variant, total] of totals) visit(flagKey, variant, total);
    }
  }

  /** Evaluations of keys not counted: past {@link MAX_KEYS}, or too long for any store. */
  get uncounted(): number {
    return this.uncountedKeys;
  }

  /**
   * Another variant of a flag whose slot holds this counter's tally is found among the flag's few
   * tallies, without writing anything but the count (a write of a reference costs a barrier). The
   * slot holds one counter's tally: a counter finding another's there (two modules serving flag
   * sets that share flags) counts by key, as for keys absent from the flag set.
   */
  private countOtherwise(
    key: string,
    variant: string | undefined,
    flag: CompiledFlag | undefined,
    slot: ObserverSlot | undefined,
  ): void {
    if (slot !== undefined && slot.owner === this) {
      this.countVariant((slot as VariantTally).flag, variant);
      return;
    }
    const tally = this.tallyOf(key);
    if (tally === undefined) return;
    const counted = this.countVariant(tally, variant);
    if (slot === undefined && flag !== undefined) flag.observerSlot = counted;
  }

  private countVariant(flag: FlagTally, variant: string | undefined): VariantTally {
    let tally: VariantTally | undefined;
    for (const candidate of flag.variants) {
      if (candidate.served === variant) {
        tally = candidate;
        break;
      }
    }
    if (tally === undefined) {
      const stored =
        variant === undefined || variant.length > STORE_LIMITS.keyLength ? '' : variant;
      tally = new VariantTally(this, flag, variant, stored);
      flag.variants.push(tally);
    }
    tally.total++;
    return tally;
  }

  private tallyOf(key: string): FlagTally | undefined {
    const known = this.flags.get(key);
    if (known !== undefined) return known;
    if (this.flags.size >= UsageCounter.MAX_KEYS || key.length > STORE_LIMITS.keyLength) {
      this.uncountedKeys++;
      return undefined;
    }
    const flag = new FlagTally();
    this.flags.set(key, flag);
    return flag;
  }
}
