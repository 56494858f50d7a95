// predict --sweep evaluates the early count at every CPU count of its range and past it (~74 000
// counts): workload.ts callsByCpus makes what no CPU count moves once. It must give expectedCounts'
// number to the last bit, at every count, for every shipped profile and host shape; and the sweep
// that reuses its swept points' predictions must find what a prediction at every count finds.
import {describe, expect, it} from 'vitest'
import {defaultHost, type Host} from '../../src/model/host.js'
import {predict, sweep, sweepCpus} from '../../src/model/predict.js'
import {listProfiles, loadProfile} from '../../src/model/profile.js'
import {TERMS, movesWithCpus} from '../../src/model/terms.js'
import {callsByCpus, expectedCounts} from '../../src/model/workload.js'

const SHAPES: Record<string, Host> = {
  default: defaultHost(),
  'no DEBUG': {...defaultHost(), debug: false},
  'KASAN + kmemleak': {...defaultHost(), kasan: true, kmemleak: true},
  '1 TiB on 545 nodes': {...defaultHost(), memoryBytes: 2 ** 40, nodes: 545},
  '64 GiB on 4 nodes, no GB pages': {...defaultHost(), memoryBytes: 64 * 2 ** 30, nodes: 4, gbPages: false},
  '64K pages, 32-bit': {...defaultHost(), pageSize: 65536, wordBytes: 4},
  '64 possible, 4 online': {...defaultHost(), possibleCpus: 64, onlineCpus: 4},
}
const COUNTS = [...Array.from({length: 300}, (_, i) => i + 1), 511, 512, 513, 1023, 1024, 4095, 4096, 8191, 8192, 32767, 32768, 65535, 65536]

describe('callsByCpus: the sweep\'s every-count evaluation', () => {
  it('is expectedCounts\' calls exactly, at every count, for every shipped profile and host shape', () => {
    const profiles = listProfiles()
    expect(profiles.length).toBeGreaterThanOrEqual(5)
    for (const profile of profiles) {
      for (const [shape, host] of Object.entries(SHAPES)) {
        const at = callsByCpus(host, profile)
        const differ = COUNTS.filter((n) => at(n) !== expectedCounts({...host, possibleCpus: n, onlineCpus: n}, profile).calls)
        expect(differ, `${profile.name}, ${shape}`).toEqual([])
      }
    }
  })

  it('leaves the host it is given as it was', () => {
    const host = {...SHAPES['64 possible, 4 online']}
    callsByCpus(host, loadProfile('linux-7.2-before-smp'))(1024)
    expect(host).toEqual(SHAPES['64 possible, 4 online'])
  })

  it('a term whose facts hold no CPU count has one value at every CPU count (what callsByCpus evaluates once)', () => {
    const params = {slabObjectBytes: 256}
    const fixed = TERMS.filter((t) => !movesWithCpus(t))
    expect(fixed.map((t) => t.id)).toContain('bootNodeNormalZone')
    for (const t of fixed) {
      for (const host of Object.values(SHAPES)) {
        const values = new Set(COUNTS.map((n) => t.value({...host, possibleCpus: n, onlineCpus: n}, params)))
        expect(values.size, t.id).toBe(1)
      }
    }
    // And the others do move: perCpuSlabs, the per-CPU and log2 terms, KASAN's per CPU.
    const moving = TERMS.filter((t) => movesWithCpus(t)).map((t) => t.id)
    expect(moving).toEqual(expect.arrayContaining(['possibleCpus', 'perCpuSlabs', 'onlineCpus', 'pow2PossibleCpus', 'kasanPossibleCpus', 'onlineCpusLog2Memory']))
  })
})

describe('sweep: the swept points\' predictions reused', () => {
  it('overflows and falls are those of a prediction at every CPU count of the range (7.2 without DEBUG, 1600 slots)', () => {
    const profile = loadProfile('linux-7.2-after-smp')
    const host = {...defaultHost(), debug: false, kernel: '7.2'}
    const s = sweep(host, profile, sweepCpus(100, 300, 8), {legacyMax: 1600})
    const events = Array.from({length: 201}, (_, i) => predict({...host, possibleCpus: 100 + i, onlineCpus: 100 + i}, profile, {tracker: 'legacy'}).events)
    const over = events.flatMap((e, i) => (e > 1600 ? [100 + i] : []))
    expect(s.overflows.flatMap(([a, b]) => Array.from({length: b - a + 1}, (_, i) => a + i))).toEqual(over)
    const falls = events.flatMap((e, i) => (i > 0 && e < events[i - 1] ? [{cpus: 100 + i, before: events[i - 1], after: e}] : []))
    expect(s.falls.map(({cpus, before, after}) => ({cpus, before, after}))).toEqual(falls)
    expect(s.falls.map((f) => [f.cpus, f.terms])).toEqual([[128, ['perCpuSlabs']]])
  })
})
