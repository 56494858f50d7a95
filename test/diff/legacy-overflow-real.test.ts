// A real overflow of the legacy array: the lab's legacy256late kernel (the array at v1's 256
// entries, page_ext after SMP) booted with 8 CPUs and the shrink workload
// (lab/captures/lab-7.2-legacy256late-c8-m1024-shrink, made by lab/calibration-boots.sh). Lines and
// counts verified with grep: the warning at dmesg line 144, `klab: early_pfn_legacy recorded=256
// dropped=17 untagged_calls=273` at 148, the `alloc_tag was not set` splat from line 263.
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {modelForAnalysis} from '../../src/diff/model.js'
import {evaluateRule, type RuleId, type RuleContext, countRows} from '../../src/diff/rules.js'
import {judgeCount} from '../../src/model/tolerance.js'
import {addCounts} from '../../src/readers/count.js'
import {readCaptureFacts} from '../../src/model/capture-facts.js'
import {hostFromAnalysis} from '../../src/model/from-boot.js'
import {pageExtWindow} from '../../src/model/host.js'
import {analyseFile} from '../helpers/diff-analysis.js'
import {LAB_CAPTURES} from '../helpers/paths.js'

const DIR = join(LAB_CAPTURES, 'lab-7.2-legacy256late-c8-m1024-shrink')
const analysis = analyseFile(join(DIR, 'dmesg.txt'))
const one = (id: RuleId, ctx: RuleContext) => evaluateRule(id, ctx)[0]

describe('a real legacy-array overflow (EARLY_ALLOC_PFN_MAX 256, 8 CPUs, page_ext after SMP)', () => {
  it('analyse: the overflow warning with its size, the unset-tag splat, DEBUG known from them, the legacy recorder', () => {
    const ids = analysis.findings.map((f) => [f.id, f.line, f.data?.max])
    expect(ids).toEqual([
      ['early-pfn-overflow', 144, 256],
      ['alloc-tag-not-set', 263, undefined],
    ])
    expect(analysis.profiling.recorder).toBe('legacy')
    expect(analysis.profiling.debug).toBe(true)
    expect(analysis.host.pageExtWindow?.value).toBe('after-smp')
  })

  it("the kernel's own counts: the array holds 256, the rest of the early calls were dropped", () => {
    const k = analysis.klab.find((x) => x.kind === 'early_pfn_legacy')!.values
    expect(k.recorded).toBe(256)
    expect(addCounts(k.recorded, k.dropped)).toBe(k.untagged_calls)
    expect(k.dropped).toBeGreaterThan(0)
  })

  it('the host: DEBUG on with page_ext after SMP (a modified kernel), so no "without DEBUG" note', () => {
    const {host} = hostFromAnalysis(analysis)
    expect(host.debug).toBe(true)
    expect(pageExtWindow(host).window).toBe('after-smp')
    const m = modelForAnalysis(analysis)
    expect(m.notes.join(' ')).not.toMatch(/without MEM_ALLOC_PROFILING_DEBUG/)
  })

  it('the model takes the array size from the warning and overflows too; the rules agree with the log', () => {
    const m = modelForAnalysis(analysis)
    expect(m.expectation.legacyMax).toBe(256)
    expect(m.expectation.legacyOverflow).toBe(true)
    const legacy = m.prediction.legacy!
    expect(legacy.recorded).toBe(256)
    expect(legacy.dropped).toBe(m.prediction.events - 256)
    expect(one('legacy-overflow', {analysis, expected: m.expectation})).toMatchObject({status: 'fired', severity: 'error', data: {logOverflow: true, modelOverflow: true, legacyMax: 256}})
    expect(one('legacy-overflow', {analysis, expected: m.expectation}).disagreement).toBeFalsy()
    const unset = one('unset-tags', {analysis, expected: m.expectation})
    expect(unset.status).toBe('fired')
    expect(unset.message).toMatch(/overflow/)
    // an explicit --legacy-max wins over the log
    expect(modelForAnalysis(analysis, {legacyMax: 8192}).expectation.legacyOverflow).toBe(false)
  })

  it('counts: dropped carries the early count error and is judged with its tolerance', () => {
    const m = modelForAnalysis(analysis)
    const rows = Object.fromEntries(countRows({analysis, expected: m.expectation}).map((r) => [r.metric, r]))
    expect(rows.recorded).toMatchObject({predicted: 256, measured: 256, withinTolerance: true})
    // the same absolute error as the untagged calls: dropped = calls - 256 on both sides
    expect(rows.dropped.delta).toBe(rows.untagged_calls.delta)
    expect(rows.dropped.withinTolerance).toBe(rows.untagged_calls.withinTolerance)
    expect(one('counts', {analysis, expected: m.expectation}).status).toBe('ok')
  })

  it('judgeCount: a remainder is judged against the count it is the remainder of (synthetic numbers)', () => {
    const line = (m: string) => ({recorded: 256, dropped: 17}[m])
    expect(judgeCount('dropped', 36, 17, line)).toBe(true) // |19| <= 27.3
    expect(judgeCount('dropped', 36, 17, () => undefined)).toBe(false) // alone: |19| > max(8, 1.7)
    expect(judgeCount('dropped', 60, 17, line)).toBe(false) // |43| > 27.3
    expect(judgeCount('recorded', 300, 273, line)).toBe(true)
  })

  it('calibration reads both the exact count and the lower bound the warning gives', () => {
    const f = readCaptureFacts(DIR)
    expect(f.calls).toBe(273)
    expect(f.overflowLowerBound).toBe(257)
    expect(f.calls!).toBeGreaterThanOrEqual(f.overflowLowerBound!)
  })
})

describe('allocscope diff on the real overflow', () => {
  it('uses the printed size by default, --legacy-max when given', async () => {
    const {runCommand} = await import('@oclif/test')
    const {REPO} = await import('../helpers/paths.js')
    const res = async (...extra: string[]) => JSON.parse((await runCommand(['diff', DIR, '--json', ...extra], {root: REPO})).stdout).result
    const byLog = await res()
    expect(byLog.expectation.legacyMax).toBe(256)
    expect(byLog.outcomes.find((o: {rule: string}) => o.rule === 'legacy-overflow')).toMatchObject({status: 'fired', severity: 'error'})
    const given = await res('--legacy-max', '8192')
    expect(given.expectation.legacyMax).toBe(8192)
    expect(given.outcomes.find((o: {rule: string}) => o.rule === 'legacy-overflow')).toMatchObject({status: 'fired', disagreement: true})
  })
})

describe('allocscope predict --from the real overflow', () => {
  it('also takes the printed size (the same helper as diff), --legacy-max when given', async () => {
    const {runCommand} = await import('@oclif/test')
    const {REPO} = await import('../helpers/paths.js')
    const res = async (...extra: string[]) => JSON.parse((await runCommand(['predict', '--from', DIR, '--json', ...extra], {root: REPO})).stdout).result
    const byLog = await res()
    expect(byLog.legacy.recorded).toBe(256)
    expect(byLog.legacy.dropped).toBe(byLog.events - 256)
    const given = await res('--legacy-max', '8192')
    expect(given.legacy.dropped).toBe(0)
    expect(given.legacy.recorded).toBe(given.events)
  })
})
