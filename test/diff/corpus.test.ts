// Every capture of the golden corpus through predicted vs observed: the rules table as data, and
// what must hold on real boots (grep the corpus to check: no overflow message anywhere, the
// `alloc_tag was not set` warning only in the notrack boot and the upstream excerpt).
import {existsSync} from 'node:fs'
import {basename, join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {readAllocInfo} from '../../src/readers/allocinfo.js'
import {resolveCapture} from '../../src/readers/dir.js'
import {modelForAnalysis} from '../../src/diff/model.js'
import {RULES, runRules} from '../../src/diff/rules.js'
import {SEVERITIES} from '../../src/types.js'
import {analyseFile} from '../helpers/diff-analysis.js'
import {captureDirs} from '../helpers/paths.js'

describe('the rules table', () => {
  it('has one row per rule of issue 4, unique ids, a severity and an explanation', () => {
    expect(RULES.map((r) => r.id)).toEqual(['legacy-overflow', 'unset-tags', 'leaked-accounting', 'inaccurate-counters', 'recorder-failure', 'counts'])
    for (const r of RULES) {
      // One severity, or one per case with when it applies (the row states it, evaluate names the case).
      const sevs = typeof r.severity === 'string' ? [r.severity] : Object.values(r.severity).map((c: {severity: string; when: string}) => (expect(c.when.length).toBeGreaterThan(10), c.severity))
      for (const s of sevs) expect(SEVERITIES).toContain(s)
      expect(r.explanation.length).toBeGreaterThan(80)
      expect(r.title.length).toBeGreaterThan(5)
    }
  })
})

describe('predicted vs observed on every real capture', () => {
  const WITH_UNSET = ['linux-7.2-notrack-c8-m1024-shrink', 'lkml-7.0-rc4-alloc-tag-not-set']
  for (const dir of captureDirs()) {
    const name = basename(dir)
    it(name, async () => {
      const cap = resolveCapture(dir)
      const analysis = cap.bootLog ? analyseFile(cap.bootLog) : undefined
      const allocinfo = cap.allocinfo && existsSync(cap.allocinfo) ? await readAllocInfo(cap.allocinfo) : undefined
      const expected = analysis ? modelForAnalysis(analysis).expectation : undefined
      const run = runRules({analysis, allocinfo, expected})
      expect(run.outcomes.map((o) => o.rule)).toEqual(expect.arrayContaining(RULES.map((r) => r.id)))
      const by = (id: string) => run.outcomes.filter((o) => o.rule === id)
      for (const o of run.outcomes) expect(['fired', 'ok', 'n/a']).toContain(o.status)
      // No real boot overflowed the legacy array (largest count: 2892), and the model agrees.
      expect(by('legacy-overflow').every((o) => o.status !== 'fired')).toBe(true)
      if (expected) expect(expected.legacyOverflow).toBe(false)
      expect(by('unset-tags')[0].status).toBe(WITH_UNSET.includes(name) ? 'fired' : analysis ? 'ok' : 'n/a')
      // Every unset tag in the corpus has a cause the capture shows.
      for (const o of by('unset-tags')) if (o.status === 'fired') expect(o.data?.cause).not.toBe('unexplained')
      expect(by('recorder-failure').every((o) => o.status !== 'fired')).toBe(true)
      // Nothing is left charged at the tracking site in any real 7.2 boot (grep: all `0 0 lib/alloc_tag.c:830`).
      expect(by('leaked-accounting').every((o) => o.status !== 'fired')).toBe(true)
    })
  }
})
