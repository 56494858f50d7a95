// CI slice of the bootlog fuzzer: fixed seed, a few cases of each kind (npm run fuzz runs 100 000).
import {afterAll, describe, expect, it} from 'vitest'
import {runFuzz} from '../helpers/fuzz.js'
import {bootlogTarget} from '../helpers/fuzz-bootlog.js'
import {cleanupBootlogFuzz} from '../helpers/fuzz-bootlog.js'
import {CASE_BUDGET_MS, CI_RUNS, CI_SEED} from './slice.js'

afterAll(cleanupBootlogFuzz)

describe('fuzz slice: bootlog', () => {
  it(`keeps its properties on ${CI_RUNS.bootlog} cases (seed ${CI_SEED})`, async () => {
    const r = await runFuzz(bootlogTarget, {seed: CI_SEED, runs: CI_RUNS.bootlog, caseBudgetMs: CASE_BUDGET_MS})
    expect(r.runs).toBe(CI_RUNS.bootlog)
    expect(Object.keys(r.byKind).sort()).toEqual(['bytes', 'kernelish', 'mutation'])
  })
})
