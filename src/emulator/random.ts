/**
 * mulberry32: a tiny seedable generator, so a fault run that went wrong can be
 * replayed with the same seed. Not for anything secret.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A uniform whole number in [min, max]. */
export function between(random: () => number, min: number, max: number): number {
  return max <= min ? min : min + Math.floor(random() * (max - min + 1));
}
