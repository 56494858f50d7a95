// Rules that read the boot log, on real captures and derived ones (test/helpers/diff-derived):
// each derived input is a real capture with one kernel line appended, named derived-*.
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {readAllocInfo} from '../../src/readers/allocinfo.js'
import {evaluateRule, RULES, type RuleId, type RuleContext, runRules} from '../../src/diff/rules.js'
import {analyseFile} from '../helpers/diff-analysis.js'
import {OVERFLOW_LINE, POOL_FAIL_LINE, allocinfoWithTrackingBytes, captureWithLineAppended} from '../helpers/diff-derived.js'
import {captureDir} from '../helpers/paths.js'

const cap = (name: string) => captureDir(name)
const log = (name: string) => analyseFile(join(cap(name), name.startsWith('lkml') ? 'dmesg-excerpt.txt' : 'dmesg.txt'))
const derived = (name: string, line: string, tag: string) => analyseFile(join(captureWithLineAppended(cap(name), line, tag), 'dmesg.txt'))
const one = (id: RuleId, ctx: RuleContext) => {
  const out = evaluateRule(id, ctx)
  expect(out).toHaveLength(1)
  return out[0]
}

describe('unset-tags', () => {
  it('notrack capture: fired, explained by a kernel without early tracking (klab recorded=0, untagged_calls=79)', () => {
    const o = one('unset-tags', {analysis: log('linux-7.2-notrack-c8-m1024-shrink')})
    expect(o).toMatchObject({status: 'fired', severity: 'warning', data: {count: 1, cause: 'no-early-tracking'}})
    expect(o.evidence.map((e) => e.line)).toEqual([271, 103]) // grep -n: the WARN message (271; 270 is its cut-here line), the klab line
    expect(o.evidence[1].text).toContain('recorded=0')
  })

  it('the 7.0-rc4 splat quoted upstream: explained by the release (before 7.0.4)', () => {
    const o = one('unset-tags', {analysis: log('lkml-7.0-rc4-alloc-tag-not-set')})
    expect(o).toMatchObject({status: 'fired', data: {cause: 'no-early-tracking'}})
    expect(o.evidence.at(-1)!.text).toMatch(/^Linux version 7\.0\.0-rc4/)
  })

  it('real pool and legacy captures: no warning, ok', () => {
    for (const n of ['linux-7.2-pool-c64-m1024', 'linux-7.2-legacylate-c255-m1024', 'linux-6.12-instr_smp064_2G_numa2']) {
      expect(one('unset-tags', {analysis: log(n)}).status).toBe('ok')
    }
  })

  it('derived (notrack + overflow line): explained by the overflow first', () => {
    const o = one('unset-tags', {analysis: derived('linux-7.2-notrack-c8-m1024-shrink', OVERFLOW_LINE, 'overflow')})
    expect(o.data?.cause).toBe('overflow')
  })

  it('derived (notrack + pool-failure line): explained by the recorder failure', () => {
    const o = one('unset-tags', {analysis: derived('linux-7.2-notrack-c8-m1024-shrink', POOL_FAIL_LINE, 'poolfail')})
    expect(o.data?.cause).toBe('recorder-failure')
  })

  it('derived (pool c64 + `alloc_tag was not set`): a recording kernel with no cause is unexplained, an error', () => {
    const o = one('unset-tags', {analysis: derived('linux-7.2-pool-c64-m1024', 'alloc_tag was not set', 'unset')})
    expect(o).toMatchObject({status: 'fired', severity: 'error', data: {cause: 'unexplained'}})
  })
})

describe('legacy-overflow (log side)', () => {
  it('legacy captures: no overflow (klab dropped=0, recorded 142 and 2892 < 8192)', () => {
    for (const n of ['linux-7.2-legacy-c64-m1024', 'linux-7.2-legacylate-c255-m1024']) {
      const o = one('legacy-overflow', {analysis: log(n)})
      expect(o).toMatchObject({status: 'ok', data: {logOverflow: false}})
    }
  })

  it('derived (legacylate c255 + overflow line): fired as an error', () => {
    const o = one('legacy-overflow', {analysis: derived('linux-7.2-legacylate-c255-m1024', OVERFLOW_LINE, 'overflow')})
    expect(o).toMatchObject({status: 'fired', severity: 'error', data: {logOverflow: true}})
  })
})

describe('recorder-failure', () => {
  it('real pool capture: ok (klab alloc_fail=0)', () => {
    expect(one('recorder-failure', {analysis: log('linux-7.2-pool-c64-m1024')}).status).toBe('ok')
  })

  it('derived (pool c64 + pool-failure line): fired as an error', () => {
    const o = one('recorder-failure', {analysis: derived('linux-7.2-pool-c64-m1024', POOL_FAIL_LINE, 'poolfail')})
    expect(o).toMatchObject({status: 'fired', severity: 'error', data: {messages: 1, allocFail: 0}})
  })
})

describe('leaked-accounting with the log, and counts without a model', () => {
  it('klab pools give the bound when no model ran: pool c64 has 1 pool page → 4096 bytes', async () => {
    const analysis = log('linux-7.2-pool-c64-m1024')
    const ok = one('leaked-accounting', {analysis, allocinfo: await readAllocInfo(join(cap('linux-7.2-pool-c64-m1024'), 'allocinfo.txt'))})
    expect(ok).toMatchObject({status: 'ok', data: {trackingBytes: 0, bound: 4096}})
    const leak = allocinfoWithTrackingBytes(cap('linux-7.2-pool-c64-m1024'), 4096, 1)
    const o = one('leaked-accounting', {analysis, allocinfo: await readAllocInfo(leak)})
    expect(o).toMatchObject({status: 'fired', severity: 'warning', data: {trackingBytes: 4096, bound: 4096}})
    const two = allocinfoWithTrackingBytes(cap('linux-7.2-pool-c64-m1024'), 8192, 2)
    expect(one('leaked-accounting', {analysis, allocinfo: await readAllocInfo(two)}).severity).toBe('error')
  })

  it('derived (pool c64 + a module-unload line): the leak is reported with its bytes', () => {
    // The pr_info form of alloc_tag_module_unload() (domain.md §1); the module name is made up for the derivation.
    const line = 'mm/derived_test.c:42 module derived_test func:derived_alloc has 8192 allocated at module unload'
    const analysis = derived('linux-7.2-pool-c64-m1024', line, 'modleak')
    const out = evaluateRule('leaked-accounting', {analysis})
    expect(out).toHaveLength(1)
    expect(out[0]).toMatchObject({status: 'fired', severity: 'warning', data: {module: 'derived_test', bytes: 8192}})
    expect(out[0].message).toContain('has 8192 bytes allocated at module unload')
  })

  it('counts: n/a without a model, and on a stock kernel without klab lines', () => {
    expect(one('counts', {analysis: log('linux-7.2-pool-c64-m1024')}).message).toContain('no model')
    expect(one('counts', {analysis: log('linux-6.12-stock_smp064_1G')}).message).toContain('no klab')
  })

  it('no input at all: every rule says n/a', () => {
    const run = runRules({})
    expect(run.outcomes.map((o) => o.status)).toEqual(RULES.map(() => 'n/a'))
  })
})
