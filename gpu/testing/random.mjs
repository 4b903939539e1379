// Deterministic random inputs for the kernel tests: mulberry32, uniform in [-1, 1) times `scale`
// (plus `offset`).
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomF32(n, seed, scale = 1, offset = 0) {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => (2 * r() - 1) * scale + offset);
}
