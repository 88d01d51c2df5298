import type { OperatorCompiler } from '../compile-scope';
import { MAX_TOTAL_WEIGHT, pickBucket } from '../fractional';
import { EMPTY_PREFIX, type HashState, hashPrefix } from '../murmur3';
import { semVer } from '../sem-ver';
import { contextNode, contextOperation } from './context-operation';

type Variant = string | number | boolean | null;

interface Buckets {
  variants: Variant[];
  weights: number[];
  total: number;
}

/** Reads `[variant, weight?]` entries; null when an entry is malformed. */
function readBuckets(entries: readonly unknown[]): Buckets | null {
  const buckets: Buckets = { variants: [], weights: [], total: 0 };
  for (const entry of entries) {
    if (!Array.isArray(entry) || entry.length === 0 || entry.length > 2) return null;
    const [variant, weight] = entry;
    const type = typeof variant;
    if (
      variant !== null &&
      variant !== undefined &&
      type !== 'string' &&
      type !== 'number' &&
      type !== 'boolean'
    ) {
      return null;
    }
    let share = 1;
    if (entry.length === 2) {
      if (typeof weight !== 'number' || !Number.isInteger(weight)) return null;
      // Rollout arithmetic can go below zero; flagd counts that as zero.
      share = Math.max(0, weight);
    }
    buckets.variants.push((variant ?? null) as Variant);
    buckets.weights.push(share);
    buckets.total += share;
  }
  return buckets.total > MAX_TOTAL_WEIGHT ? null : buckets;
}

function choose(buckets: Buckets | null, prefix: HashState, key: string): Variant {
  if (!buckets) return null;
  const index = pickBucket(prefix, key, buckets.weights, buckets.total);
  return index < 0 ? null : buckets.variants[index];
}

/**
 * `fractional`: the first argument, when it is a string, is the bucketing value; otherwise flagd
 * buckets by flag key + `targetingKey`. Unlike flagd's JavaScript reference (and like its Go
 * implementation) a `targetingKey` that is not a string selects nothing.
 */
const fractional: OperatorCompiler = (args, scope) => {
  const flagKey = hashPrefix(scope.flagKey);
  const byTargetingKey = (data: any, buckets: Buckets | null): Variant => {
    const targetingKey = data?.targetingKey;
    if (!targetingKey || typeof targetingKey !== 'string') return null;
    return choose(buckets, flagKey, targetingKey);
  };
  if (Array.isArray(args) && Array.isArray(args[0])) {
    const entries = scope.compile(args);
    if (entries.constant) {
      const buckets = readBuckets(entries.value as unknown[]);
      return contextNode(scope, entries.run, (data) => byTargetingKey(data, buckets));
    }
  }
  if (Array.isArray(args) && typeof args[0] === 'string') {
    const bucketBy = args[0];
    const entries = scope.compile(args.slice(1));
    if (entries.constant) {
      const buckets = readBuckets(entries.value as unknown[]);
      return contextNode(scope, entries.run, () => choose(buckets, EMPTY_PREFIX, bucketBy));
    }
  }
  return contextOperation((values, data) => {
    if (values.length < 1) return null;
    if (typeof values[0] === 'string')
      return choose(readBuckets(values.slice(1)), EMPTY_PREFIX, values[0]);
    return byTargetingKey(data, readBuckets(values));
  })(args, scope);
};

/** @internal */
export const FLAGD_OPERATORS: Record<string, OperatorCompiler> = {
  fractional,
  sem_ver: contextOperation((args) => semVer(args)),
};
