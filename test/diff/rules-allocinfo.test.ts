// Rules that read /proc/allocinfo, on real captures and on derived ones (test/helpers/diff-derived).
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {readAllocInfo} from '../../src/readers/allocinfo.js'
import type {Expectation} from '../../src/diff/expectation.js'
import {evaluateRule, type RuleId, type RuleContext} from '../../src/diff/rules.js'
import {allocinfoWithTrackingBytes} from '../helpers/diff-derived.js'
import {captureDir} from '../helpers/paths.js'

const rule = (id: RuleId) => ({evaluate: (ctx: RuleContext) => evaluateRule(id, ctx)})
const ai = (name: string) => readAllocInfo(join(captureDir(name), 'allocinfo.txt'))

/** A synthetic expectation: one 4 KiB tracking page, as the model says for every 7.2 pool capture. */
const synthetic: Expectation = {
  source: 'synthetic expectation (test)',
  recorder: 'pool',
  earlyPfns: 142,
  legacyMax: 8192,
  legacyOverflow: false,
  legacyDropped: 0,
  poolPages: 1,
  pageSize: 4096,
  leakBoundBytes: 4096,
  counts: [],
}

describe('leaked-accounting (allocinfo side)', () => {
  it('real 7.2 pool capture: nothing left at __alloc_tag_add_early_pfn (grep: "0 0 lib/alloc_tag.c:830")', async () => {
    const [o] = rule('leaked-accounting').evaluate({allocinfo: await ai('linux-7.2-pool-c64-m1024')})
    expect(o.status).toBe('ok')
    expect(o.evidence[0].text).toContain('lib/alloc_tag.c:830 __alloc_tag_add_early_pfn')
  })

  it('real 6.12 capture: no tracking site at all (no recorder)', async () => {
    const [o] = rule('leaked-accounting').evaluate({allocinfo: await ai('linux-6.12-instr_smp064_1G')})
    expect(o.status).toBe('n/a')
  })

  it('derived: one page left at the tracking site fires, within the one-page bound', async () => {
    const p = allocinfoWithTrackingBytes(captureDir('linux-7.2-pool-c64-m1024'), 4096, 1)
    const ctx: RuleContext = {allocinfo: await readAllocInfo(p), expected: synthetic}
    const [o] = rule('leaked-accounting').evaluate(ctx)
    expect(o).toMatchObject({status: 'fired', severity: 'warning'})
    expect(o.message).toContain('4096 bytes')
    expect(o.message).toContain('within the bound of 4096')
  })

  it('derived: two pages left, above a one-page bound, is an error and a disagreement', async () => {
    const p = allocinfoWithTrackingBytes(captureDir('linux-7.2-pool-c4-m1024'), 8192, 2)
    const [o] = rule('leaked-accounting').evaluate({allocinfo: await readAllocInfo(p), expected: synthetic})
    expect(o).toMatchObject({status: 'fired', severity: 'error', disagreement: true})
  })
})

describe('inaccurate-counters', () => {
  it('real 7.2 pool capture: its 6 accurate:no sites are all early allocators', async () => {
    const [o] = rule('inaccurate-counters').evaluate({allocinfo: await ai('linux-7.2-pool-c64-m1024')})
    expect(o).toMatchObject({status: 'ok', data: {inaccurate: 6, unexpected: 0}})
  })

  it('real notrack capture: stack_depot_save_flags is accurate:no and not an early allocator', async () => {
    const [o] = rule('inaccurate-counters').evaluate({allocinfo: await ai('linux-7.2-notrack-c8-m1024-shrink')})
    expect(o).toMatchObject({status: 'fired', severity: 'warning', data: {inaccurate: 6, unexpected: 1}})
    expect(o.message).toContain('stack_depot_save_flags')
  })

  it('the model list, when given, replaces the built-in table', async () => {
    const [o] = rule('inaccurate-counters').evaluate({allocinfo: await ai('linux-7.2-pool-c64-m1024'), expected: {...synthetic, earlySites: ['alloc_slab_page']}})
    // grep: 6 accurate:no lines, 2 of them alloc_slab_page.
    expect(o).toMatchObject({status: 'fired', data: {inaccurate: 6, unexpected: 4}})
  })

  it('format 1.0 (6.12) has no accurate:no marks: n/a', async () => {
    const [o] = rule('inaccurate-counters').evaluate({allocinfo: await ai('linux-6.12-instr_smp001_1G')})
    expect(o.status).toBe('n/a')
  })
})
