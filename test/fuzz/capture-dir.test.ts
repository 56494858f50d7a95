// CI slice of the capture-directory fuzzer: generated layouts, fixed seed (npm run fuzz runs 100 000).
import {afterAll, describe, expect, it} from 'vitest'
import {runFuzz} from '../helpers/fuzz.js'
import {captureDirTarget, cleanupCaptureFuzz} from '../helpers/fuzz-capture.js'
import {CASE_BUDGET_MS, CI_RUNS, CI_SEED} from './slice.js'

afterAll(cleanupCaptureFuzz)

describe('fuzz slice: capture directories and the readers that open them', () => {
  it(`every reader returns or throws an InputError on ${CI_RUNS['capture-dir']} generated layouts (seed ${CI_SEED})`, async () => {
    const r = await runFuzz(captureDirTarget, {seed: CI_SEED, runs: CI_RUNS['capture-dir'], caseBudgetMs: CASE_BUDGET_MS})
    expect(r.runs).toBe(CI_RUNS['capture-dir'])
  })
})
