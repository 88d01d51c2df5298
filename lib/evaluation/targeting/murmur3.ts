/*
 * MurmurHash3 x86 32-bit, seed 0, over UTF-8 bytes, computed straight from JavaScript strings (no
 * byte buffer), resumable so that a flag's key is hashed once and each evaluation only hashes the
 * targeting key: evaluating a rollout allocates nothing.
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

/** The hash of a prefix, ready to continue with more text. @internal */
export class HashState {
  h1 = 0;
  block = 0;
  filled = 0;
  length = 0;
}

function scramble(k1: number): number {
  k1 = Math.imul(k1, C1);
  k1 = (k1 << 15) | (k1 >>> 17);
  return Math.imul(k1, C2);
}

function mixBlock(h1: number, k1: number): number {
  h1 ^= scramble(k1);
  h1 = (h1 << 13) | (h1 >>> 19);
  return (Math.imul(h1, 5) + 0xe6546b64) | 0;
}

/** The code point starting at `i` (0xFFFD for a lone surrogate, as TextEncoder and Go do). */
function codePointAt(text: string, i: number): number {
  const code = text.charCodeAt(i);
  if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
    const low = text.charCodeAt(i + 1);
    if (low >= 0xdc00 && low <= 0xdfff) return 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
  }
  return code >= 0xd800 && code <= 0xdfff ? 0xfffd : code;
}

function absorb(state: HashState, text: string): void {
  let { h1, block, filled, length } = state;
  const end = text.length;
  let i = 0;
  while (i < end) {
    if (i + 4 <= end) {
      const c0 = text.charCodeAt(i);
      const c1 = text.charCodeAt(i + 1);
      const c2 = text.charCodeAt(i + 2);
      const c3 = text.charCodeAt(i + 3);
      if ((c0 | c1 | c2 | c3) < 0x80) {
        // Four ASCII characters are four bytes: complete the pending block, keep the rest.
        const word = c0 | (c1 << 8) | (c2 << 16) | (c3 << 24);
        if (filled === 0) {
          h1 = mixBlock(h1, word);
        } else {
          h1 = mixBlock(h1, block | (word << (filled << 3)));
          block = word >>> (32 - (filled << 3));
        }
        length += 4;
        i += 4;
        continue;
      }
    }
    const point = codePointAt(text, i);
    i += point > 0xffff ? 2 : 1;
    const count = point < 0x80 ? 1 : point < 0x800 ? 2 : point < 0x10000 ? 3 : 4;
    for (let j = 0; j < count; j++) {
      const shift = 6 * (count - 1 - j);
      const byte =
        count === 1
          ? point
          : j === 0
            ? (0xf00 >> count) | (point >> shift)
            : 0x80 | ((point >> shift) & 0x3f);
      block |= (byte & 0xff) << (filled << 3);
      length++;
      if (++filled === 4) {
        h1 = mixBlock(h1, block);
        block = 0;
        filled = 0;
      }
    }
  }
  state.h1 = h1;
  state.block = block;
  state.filled = filled;
  state.length = length;
}

/** Hashes `prefix` once, for {@link murmur3Continue}. @internal */
export function hashPrefix(prefix: string): HashState {
  const state = new HashState();
  absorb(state, prefix);
  return state;
}

const scratch = new HashState();

/**
 * The unsigned 32-bit MurmurHash3 (x86, seed 0) of the UTF-8 encoding of prefix + `key`.
 * @internal
 */
export function murmur3Continue(prefix: HashState, key: string): number {
  scratch.h1 = prefix.h1;
  scratch.block = prefix.block;
  scratch.filled = prefix.filled;
  scratch.length = prefix.length;
  absorb(scratch, key);
  let h1 = scratch.h1;
  if (scratch.filled > 0) h1 ^= scramble(scratch.block);
  h1 ^= scratch.length;
  h1 ^= h1 >>> 16;
  h1 = Math.imul(h1, 0x85ebca6b);
  h1 ^= h1 >>> 13;
  h1 = Math.imul(h1, 0xc2b2ae35);
  h1 ^= h1 >>> 16;
  return h1 >>> 0;
}

/** @internal */
export const EMPTY_PREFIX: HashState = hashPrefix('');

/** The hash of the UTF-8 encoding of `prefix + key`. @internal */
export function murmur3Utf8(prefix: string, key: string): number {
  return murmur3Continue(prefix === '' ? EMPTY_PREFIX : hashPrefix(prefix), key);
}
