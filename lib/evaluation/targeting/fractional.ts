import { type HashState, murmur3Continue } from './murmur3';

/** flagd refuses rollouts whose weights add up to more than this. @internal */
export const MAX_TOTAL_WEIGHT = 2147483647;

/**
 * The bucket of a hash among `totalWeight` buckets: `(hash * totalWeight) >> 32` computed exactly
 * (the product needs 63 bits; doubles hold 53) without BigInt.
 * @internal
 */
export function bucketOf(hash: number, totalWeight: number): number {
  const high = hash >>> 16;
  const low = hash & 0xffff;
  return Math.floor((high * totalWeight + Math.floor((low * totalWeight) / 65536)) / 65536);
}

/**
 * The entry of `weights` that `prefix + key` falls into (`prefix` hashed with `hashPrefix`): the same answer as flagd gives, for the
 * same flag key, bucketing key and weights, in every flagd implementation.
 * @returns the index of the entry, or -1 when every weight is zero.
 * @internal
 */
export function pickBucket(
  prefix: HashState,
  key: string,
  weights: ArrayLike<number>,
  totalWeight: number,
): number {
  const bucket = bucketOf(murmur3Continue(prefix, key), totalWeight);
  let sum = 0;
  for (let i = 0; i < weights.length; i++) {
    sum += weights[i];
    if (sum > bucket) return i;
  }
  return -1;
}
