// mulberry32: a tiny seeded PRNG (Math.random cannot be seeded). Shared by the sample-data
// generators, the benchmarks, the tests and the JS fuzzer, so a seed means the same numbers
// everywhere; the committed samples pin its sequence, so keep it bit for bit.

/** A generator of floats in [0, 1) from a 32-bit seed. */
export function mulberry32(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
