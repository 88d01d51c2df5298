import { hashPrefix, murmur3Continue, murmur3Utf8 } from './murmur3';

/** A plain byte-at-a-time MurmurHash3 x86 32 (seed 0), written from the algorithm's definition. */
function referenceMurmur(bytes: Uint8Array): number {
  let h = 0;
  const blocks = bytes.length >> 2;
  const scramble = (k: number) =>
    Math.imul(((k = Math.imul(k, 0xcc9e2d51)) << 15) | (k >>> 17), 0x1b873593);
  for (let i = 0; i < blocks; i++) {
    const k =
      bytes[i * 4] | (bytes[i * 4 + 1] << 8) | (bytes[i * 4 + 2] << 16) | (bytes[i * 4 + 3] << 24);
    h ^= scramble(k);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let tail = 0;
  for (let i = bytes.length & 3; i > 0; i--) tail = (tail << 8) | bytes[blocks * 4 + i - 1];
  if (bytes.length & 3) h ^= scramble(tail);
  h ^= bytes.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const utf8 = (text: string) => new TextEncoder().encode(text);

describe('murmur3Utf8', () => {
  it.each([
    ['', 0],
    ['hello', 0x248bfa47],
    ['The quick brown fox jumps over the lazy dog', 0x2e4ff723],
  ])('matches the published value for %j', (text, expected) => {
    expect(murmur3Utf8('', text)).toBe(expected);
  });

  it.each([
    ['flag', 'user-1'],
    ['ab', 'cdefghij'],
    ['', 'ünïcödé'],
    ['flag-é', '用户-42'],
    ['emoji', '😀 rocket 🚀'],
    ['lone', 'x\ud800y'],
    ['abc', ''],
  ])('hashes the UTF-8 bytes of %j + %j', (prefix, key) => {
    expect(murmur3Utf8(prefix, key)).toBe(referenceMurmur(utf8(prefix + key)));
  });

  it('continues from a hashed prefix exactly as hashing the whole text', () => {
    const prefix = hashPrefix('checkout-flow');
    for (const key of [
      'a',
      'ab',
      'abc',
      'abcd',
      'abcde',
      'ä',
      '5c3d8535-f81a-4478-a6d3-afaa4d51199e',
    ]) {
      expect(murmur3Continue(prefix, key)).toBe(referenceMurmur(utf8(`checkout-flow${key}`)));
    }
  });
});
