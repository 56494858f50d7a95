// Predicted vs observed with the model (src/model) on real captures, and on derived ones.
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import type {Expectation} from '../../src/diff/expectation.js'
import {modelForAnalysis} from '../../src/diff/model.js'
import {evaluateRule, type RuleId, type RuleContext, countRows, runRules} from '../../src/diff/rules.js'
import {analyseFile} from '../helpers/diff-analysis.js'
import {OVERFLOW_LINE, captureWithLineAppended} from '../helpers/diff-derived.js'
import {captureDir} from '../helpers/paths.js'

const cap = (name: string) => captureDir(name)
const log = (name: string) => analyseFile(join(cap(name), 'dmesg.txt'))
const one = (id: RuleId, ctx: RuleContext) => evaluateRule(id, ctx)[0]

describe('model side of the rules', () => {
  it('legacy captures: the model predicts no overflow (< 8192) and the logs agree', () => {
    for (const n of ['linux-7.2-legacy-c1-m1024', 'linux-7.2-legacy-c64-m1024', 'linux-7.2-legacylate-c8-m1024', 'linux-7.2-legacylate-c255-m1024']) {
      const analysis = log(n)
      const {expectation} = modelForAnalysis(analysis)
      expect(expectation.recorder).toBe('legacy')
      expect(expectation.legacyOverflow).toBe(false)
      expect(expectation.earlyPfns).toBeLessThan(8192)
      const o = one('legacy-overflow', {analysis, expected: expectation})
      expect(o).toMatchObject({status: 'ok', data: {logOverflow: false, modelOverflow: false}})
    }
  })

  it('counts: the measured column is the klab line (grep) and the predicted one the model run', () => {
    const analysis = log('linux-7.2-pool-c64-m1024')
    const m = modelForAnalysis(analysis)
    const rows = countRows({analysis, expected: m.expectation})
    const byMetric = Object.fromEntries(rows.map((r) => [`${r.kind}.${r.metric}`, r]))
    // klab: early_pfn recorded=142 pools=1 race_frees=0 alloc_fail=0 untagged_calls=143 ...
    expect(byMetric['early_pfn.recorded'].measured).toBe(142)
    expect(byMetric['early_pfn.pools'].measured).toBe(1)
    expect(byMetric['early_pfn.untagged_calls'].measured).toBe(143)
    expect(byMetric['early_pfn_walk.set_empty'].measured).toBe(142)
    expect(byMetric['early_pfn.recorded'].predicted).toBe(m.prediction.pool!.recorded)
    expect(byMetric['early_pfn.pools'].predicted).toBe(m.prediction.pool!.poolsPublished)
    for (const r of rows) {
      // One sign convention (issue 13 item 5): observed − predicted, relative to the observation.
      expect(r.delta).toBe(r.measured - r.predicted)
      if (r.measured) expect(r.rel).toBeCloseTo((r.measured - r.predicted) / r.measured, 12)
    }
    // The model's stated fidelity on this capture (it is in the fit: an in-sample check, said in the notes).
    expect(one('counts', {analysis, expected: m.expectation}).status).toBe('ok')
    const inFit = m.profile.provenance.captures.some((c) => c.capture === 'linux-7.2-pool-c64-m1024')
    expect(m.notes.some((n) => n.includes('in-sample'))).toBe(inFit)
  })

  it('6.12 nodebug (no recorder): calls and pages against early_page_allocs (klab calls=1955 pages=3139)', () => {
    const analysis = log('linux-6.12-nodebug_smp064_1G')
    const rows = countRows({analysis, expected: modelForAnalysis(analysis).expectation})
    expect(rows.map((r) => [r.metric, r.measured])).toEqual([
      ['calls', 1955],
      ['pages', 3139],
    ])
  })

  it('PFN counts are judged, page totals only shown (COUNT_CHECKS): 6.12 instr smp001 (klab calls=62 pages=132)', () => {
    const analysis = log('linux-6.12-instr_smp001_1G')
    const rows = countRows({analysis, expected: modelForAnalysis(analysis).expectation})
    const calls = rows.find((r) => r.metric === 'calls')!
    const pages = rows.find((r) => r.metric === 'pages')!
    expect([calls.measured, pages.measured]).toEqual([62, 132])
    expect(calls.withinTolerance).toBe(Math.abs(calls.predicted - 62) <= 8)
    expect(pages.withinTolerance).toBeNull()
  })

  it('derived (legacylate c255 + overflow line): the log shows it, the model does not: error and disagreement', () => {
    const analysis = analyseFile(join(captureWithLineAppended(cap('linux-7.2-legacylate-c255-m1024'), OVERFLOW_LINE, 'overflow'), 'dmesg.txt'))
    const {expectation} = modelForAnalysis(analysis)
    const o = one('legacy-overflow', {analysis, expected: expectation})
    expect(o).toMatchObject({status: 'fired', severity: 'error', disagreement: true})
  })

  it('model-only overflow (synthetic expectation of 9000 PFNs): a warning on a legacy kernel, a notice on a pool one', () => {
    const over = (analysis: ReturnType<typeof log>): Expectation => ({...modelForAnalysis(analysis).expectation, earlyPfns: 9000, legacyOverflow: true, legacyDropped: 808})
    const legacy = log('linux-7.2-legacy-c64-m1024')
    expect(one('legacy-overflow', {analysis: legacy, expected: over(legacy)})).toMatchObject({status: 'fired', severity: 'warning', disagreement: true})
    const pool = log('linux-7.2-pool-c64-m1024')
    expect(one('legacy-overflow', {analysis: pool, expected: over(pool)})).toMatchObject({status: 'fired', severity: 'notice'})
  })

  it('notrack: the model is told the recorder is off, so it predicts nothing recorded and no leak bound', () => {
    const analysis = log('linux-7.2-notrack-c8-m1024-shrink')
    const {expectation} = modelForAnalysis(analysis)
    expect(expectation.recorder).toBe('none')
    expect(expectation.leakBoundBytes).toBe(0)
    const rows = countRows({analysis, expected: expectation})
    expect(rows.find((r) => r.metric === 'recorded')).toMatchObject({predicted: 0, measured: 0, withinTolerance: true})
    const run = runRules({analysis, expected: expectation})
    expect(run.outcomes.find((o) => o.rule === 'unset-tags')?.data?.cause).toBe('no-early-tracking')
  })
})
