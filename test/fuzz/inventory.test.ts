// CI slice of the fleet-inventory fuzzer (predict --hosts): fixed seed (npm run fuzz runs 100 000).
import {describe, expect, it} from 'vitest'
import {runFuzz} from '../helpers/fuzz.js'
import {inventoryTarget} from '../helpers/fuzz-inventory.js'
import {CASE_BUDGET_MS, CI_RUNS, CI_SEED} from './slice.js'

describe('fuzz slice: fleet inventory CSV', () => {
  it(`parse, validate and predict keep their properties on ${CI_RUNS.inventory} cases (seed ${CI_SEED})`, async () => {
    const r = await runFuzz(inventoryTarget, {seed: CI_SEED, runs: CI_RUNS.inventory, caseBudgetMs: CASE_BUDGET_MS})
    expect(r.runs).toBe(CI_RUNS.inventory)
    expect(Object.keys(r.byKind).sort()).toEqual(['bytes', 'kernelish', 'mutation'])
  })
})
