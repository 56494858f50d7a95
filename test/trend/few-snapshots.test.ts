// A suspect needs p < alpha, and a site rising at every one of n snapshots has p = 2^-(n-1): at
// the default --alpha 0.01 no site of a 6- or 7-snapshot series can be one. trend says so (a
// warning, in the text output's warnings and --json's), so "no suspect" is not read as "no leak".
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {DEFAULT_ALPHA} from '../../src/trend/analyse.js'
import type {TrendJson} from '../../src/trend/report.js'
import {runTrend, type TrendFlags} from '../../src/trend/run.js'
import {minSuspectPoints, signedRank} from '../../src/trend/stats.js'

const FLAGS: TrendFlags = {top: 20, 'min-rate': '64K/h', alpha: String(DEFAULT_ALPHA), 'time-from': 'auto'}

/** SYNTHETIC: n snapshots a minute apart, syn/x.c:10 leaking 1 MiB a snapshot beside a constant site. */
function series(n: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'allocscope-SYNTHETIC-few-'))
  for (let i = 0; i < n; i++) {
    const t = new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString().replace('.000', '')
    const lines = [`# allocscope: time=${t}`, 'allocinfo - version: 2.0', '#     <size>  <calls> <tag info>', `${'100000'.padStart(12)} ${'10'.padStart(8)} fs/base.c:1 func:base `, `${String((i + 1) * 2 ** 20).padStart(12)} ${'1'.padStart(8)} syn/x.c:10 func:x `]
    writeFileSync(join(dir, `s${String(i).padStart(4, '0')}.txt`), lines.join('\n') + '\n')
  }
  return dir
}

describe('too few snapshots for a suspect at this alpha', () => {
  it('minSuspectPoints: the smallest n with 2^-(n-1) < alpha, which is the least p a rising site gets', () => {
    expect(minSuspectPoints(0.01)).toBe(8)
    expect(minSuspectPoints(0.05)).toBe(6)
    expect(minSuspectPoints(1 / 64)).toBe(8) // 2^-6 is not below 2^-6
    expect(minSuspectPoints(0.001)).toBe(11)
    // The bound is the test's: 7 rises of any sizes give exactly 2^-7.
    expect(signedRank([5, 1, 9, 2, 2, 7, 3]).pUp).toBe(2 ** -7)
  })

  it('a SYNTHETIC 6-snapshot leak at the default alpha: no suspect, and one warning naming the 8 it needs', async () => {
    const r = await runTrend([series(6)], FLAGS, {ascii: true})
    expect((r.result as TrendJson).suspects).toEqual([])
    expect(r.warnings.filter((w) => w.includes('to be a suspect'))).toEqual(['at --alpha 0.01 a site needs at least 8 snapshots to be a suspect (rising at every one of n snapshots gives p = 2^-(n-1)); this series has 6'])
  })

  it('7 snapshots warned too; 8 are enough (the leak is a suspect, no warning); at --alpha 0.05, 6 are', async () => {
    const said = async (n: number, alpha = FLAGS.alpha) => (await runTrend([series(n)], {...FLAGS, alpha}, {ascii: true})).warnings.some((w) => w.includes('to be a suspect'))
    expect(await said(7)).toBe(true)
    const eight = await runTrend([series(8)], FLAGS, {ascii: true})
    expect((eight.result as TrendJson).suspects.map((s) => s.key)).toEqual(['syn/x.c:10 x'])
    expect(eight.warnings.some((w) => w.includes('to be a suspect'))).toBe(false)
    expect(await said(6, '0.05')).toBe(false)
    expect(await said(5)).toBe(false) // under 6 points nothing gets a verdict: too-few-points says so
  })
})
