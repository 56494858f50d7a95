// A small seeded PRNG (mulberry32) so that every interleaving the scheduler picks can be replayed
// from its seed: the model's results must be reproducible run to run and machine to machine.

export type Rng = () => number

/** mulberry32: 32-bit state, period 2^32, good enough to pick the next CPU to run. */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Integer in [0, n). */
export function pick(rng: Rng, n: number): number {
  return Math.floor(rng() * n)
}
