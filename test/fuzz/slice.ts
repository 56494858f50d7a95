// The fixed seed and case counts of the CI fuzz slice (whole slice well under 20 s on 2 cores).
// `npm run fuzz` (test/fuzz/run.ts) runs the same targets with ≥ 100 000 cases and a fresh seed.
export const CI_SEED = 20261126

export const CI_RUNS: Record<string, number> = {
  allocinfo: 300,
  bootlog: 150,
  analysis: 80,
  'capture-dir': 150,
  inventory: 200,
  recording: 150,
}

/**
 * One case slower than this fails as a near-hang. Generous: a 2-core CI machine shared with other
 * jobs stalls a normal 5 ms case for seconds at times (the slowest seen in 500 000 cases under load
 * was 2 s); a real hang still fails, here or at vitest's 60 s test timeout.
 */
export const CASE_BUDGET_MS = 10_000
