// The fixed seed and case counts of the CI fuzz slice (whole slice well under 20 s on 2 cores).
// `npm run fuzz` (test/fuzz/run.ts) runs the same targets with ≥ 100 000 cases and a fresh seed.
export const CI_SEED = 20261126

export const CI_RUNS: Record<string, number> = {
  allocinfo: 300,
  bootlog: 150,
  analysis: 80,
  'capture-dir': 150,
  inventory: 200,
}
