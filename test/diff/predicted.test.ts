// Counts vs counts: prediction vs klab measurement, prediction vs prediction.
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {modelForAnalysis} from '../../src/diff/model.js'
import {diffCounts, predictionFromJson, sideFromAnalysis, sideFromPrediction} from '../../src/diff/predicted.js'
import {analyseFile} from '../helpers/diff-analysis.js'
import {captureDir} from '../helpers/paths.js'

const log = (name: string) => analyseFile(join(captureDir(name), 'dmesg.txt'))
const predicted = (name: string) => {
  const a = log(name)
  return sideFromPrediction(modelForAnalysis(a).prediction, a.profiling.recorder, a.source)
}

describe('counts diff', () => {
  it('prediction vs measurement: the measured column is the klab line (legacylate c255: recorded=2892 dropped=0)', () => {
    const a = log('linux-7.2-legacylate-c255-m1024')
    const d = diffCounts(predicted('linux-7.2-legacylate-c255-m1024'), sideFromAnalysis(a))
    const rec = d.rows.find((r) => r.key === 'early_pfn_legacy.recorded')!
    expect(rec.b).toBe(2892)
    expect(d.rows.find((r) => r.key === 'early_pfn_legacy.dropped')!.b).toBe(0)
    expect(rec.withinTolerance).toBe(Math.abs(rec.a - 2892) <= Math.max(8, 289.2))
    // klab values the model does not predict are listed, not compared.
    expect(d.onlyB).toContain('early_pfn_legacy.possible')
  })

  it('diff(a, a) is all zero; diff(b, a) is the negation of diff(a, b)', () => {
    const names = ['linux-7.2-pool-c4-m1024', 'linux-7.2-pool-c128-m4096', 'linux-7.2-legacylate-c8-m1024']
    const sides = names.map(predicted)
    for (const x of sides) {
      expect(diffCounts(x, x).rows.every((r) => r.delta === 0)).toBe(true)
      for (const y of sides) {
        const ab = diffCounts(x, y)
        const ba = diffCounts(y, x)
        expect(ba.rows.map((r) => [r.key, 0 - r.delta])).toEqual(ab.rows.map((r) => [r.key, r.delta]))
      }
    }
  })

  it('more possible CPUs, more predicted early PFNs (pool c4 → c128, as the captures measured 81 → 162)', () => {
    const d = diffCounts(predicted('linux-7.2-pool-c4-m1024'), predicted('linux-7.2-pool-c128-m4096'))
    expect(d.rows.find((r) => r.key === 'early_pfn.recorded')!.delta).toBeGreaterThan(0)
  })

  it('predict --json documents: one host only', () => {
    expect(() => predictionFromJson('{"schema":"allocscope/v1","command":"predict","result":{"points":[]}}', 'x.json')).toThrow(/sweep or fleet/)
    expect(() => predictionFromJson('{"schema":"allocscope/v1","command":"analyse","result":{}}', 'x.json')).toThrow(/`analyse` document/)
    expect(() => predictionFromJson('{', 'x.json')).toThrow(/not valid JSON/)
  })
})
