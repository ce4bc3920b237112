// Counter-based pseudo-random numbers: the value for (seed, index) is a pure function of both, so a
// metric sample reads the same whichever window asks for it, and no generator state has to be kept.

/** FNV-1a hash of a string to an unsigned 32-bit seed. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A uniform number in [0, 1) for (seed, index, stream). */
export function uniform(seed: number, index: number, stream = 0): number {
  const low = index >>> 0;
  const high = Math.floor(index / 0x1_0000_0000) >>> 0;
  let h = seed ^ Math.imul(low, 0x9e3779b1) ^ Math.imul(high + 0x632be5ab, 0x85ebca6b);
  h = Math.imul(h ^ Math.imul(stream + 1, 0xc2b2ae35), 0x27d4eb2f);
  // murmur3 finaliser: every input bit affects every output bit.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 0x1_0000_0000;
}

/** A standard normal number for (seed, index), by Box–Muller over two uniform draws. */
export function gaussian(seed: number, index: number): number {
  const u = 1 - uniform(seed, index, 1);
  const v = uniform(seed, index, 2);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
