// CI slice of the allocinfo fuzzer: fixed seed, a few hundred cases (npm run fuzz runs 100 000).
import {describe, expect, it} from 'vitest'
import {runFuzz} from '../helpers/fuzz.js'
import {allocinfoTarget} from '../helpers/fuzz-allocinfo.js'
import {CASE_BUDGET_MS, CI_RUNS, CI_SEED} from './slice.js'

describe('fuzz slice: allocinfo reader', () => {
  it(`keeps its properties on ${CI_RUNS.allocinfo} cases (seed ${CI_SEED})`, async () => {
    const r = await runFuzz(allocinfoTarget, {seed: CI_SEED, runs: CI_RUNS.allocinfo, caseBudgetMs: CASE_BUDGET_MS})
    expect(r.runs).toBe(CI_RUNS.allocinfo)
    // The mix really reaches all three kinds of input.
    expect(Object.keys(r.byKind).sort()).toEqual(['bytes', 'kernelish', 'mutation'])
  })
})
