// Through the real boot-log reader: the truncated real console, and syzkaller's console logs.
import {readFileSync, readdirSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {analyseBootLog} from '../../src/analysis/read.js'
import {captureDir, PEER} from '../helpers/paths.js'

describe('real console of a boot that hung in SMP bring-up (pool-c255)', () => {
  const path = join(captureDir('linux-7.2-pool-c255-m1024'), 'console.log')
  it('facts up to the cut, recorder and klab counts, and where the log ends', async () => {
    const lines = readFileSync(path, 'latin1').split(/\r?\n/)
    const a = await analyseBootLog(path)
    expect(a.host.possibleCpus?.value).toBe(255) // README table: possible 255
    expect(a.host.onlineCpus).toBeUndefined() // never reached `smp: Brought up`
    const start = lines.findIndex((l) => l.includes('smp: Bringing up secondary CPUs')) + 1
    expect(a.host.logEndsDuring).toMatchObject({value: 'SMP bring-up', line: start})
    expect(a.profiling.recorder).toBe('pool')
    expect(a.klab.find((k) => k.kind === 'early_pfn')?.values.recorded).toBe(225) // README: 225 true early PFNs
    expect(a.host.pageExtWindow?.value).toBe('before-smp')
  })
})

describe('syzkaller console logs through the reader and analyser', () => {
  it('none throws; every cut-here becomes a finding with a splat', async () => {
    let findings = 0
    let corrupted = 0
    for (const f of readdirSync(PEER)) {
      const text = readFileSync(join(PEER, f), 'latin1')
      let a
      try {
        a = await analyseBootLog(join(PEER, f))
      } catch (e) {
        // files that are not kernel logs at all are refused with an InputError, never a crash
        expect((e as Error).name, f).toBe('InputError')
        continue
      }
      const cuts = text.split('\n').filter((l) => /\]\s*-+\[ cut here \]-+\s*$/.test(l)).length
      const splats = a.findings.filter((x) => x.splat)
      const occurrences = [...new Map(splats.map((x) => [x.signature, x.count ?? 1])).values()].reduce((s, c) => s + c, 0)
      expect(occurrences, f).toBeGreaterThanOrEqual(cuts)
      findings += splats.length
      corrupted += splats.filter((x) => x.corrupted).length
    }
    expect(findings).toBeGreaterThan(200)
    expect(corrupted).toBeGreaterThan(0)
  })
})
