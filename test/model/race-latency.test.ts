// The pool race model's latency, fitted from the race frees of the lab's multi-pool boots
// (lab/captures/lab-7.2-poollate-*: 2, 3 and 6 pools, no race frees in any of them).
import {describe, expect, it} from 'vitest'
import {readCaptureFacts} from '../../src/model/capture-facts.js'
import {expectedRaceFrees, fitAllocLatency, raceBoots} from '../../src/model/race-latency.js'
import {loadProfile} from '../../src/model/profile.js'
import {DEFAULT_ALLOC_LATENCY} from '../../src/model/recorders/pool.js'
import {captureDir} from '../helpers/paths.js'

const profile = loadProfile('linux-7.2-after-smp')
const facts = profile.provenance.captures.map((c) => readCaptureFacts(captureDir(c.capture)))
const boots = raceBoots(facts)

describe('race latency', () => {
  it('is fitted from the boots with several pools only, whose klab lines say no race frees', () => {
    expect(boots.map((b) => [b.name, b.klab!.pools, b.klab!.race_frees]).sort()).toEqual([
      ['lab-7.2-poollate-c128-m1024', 3, 0],
      ['lab-7.2-poollate-c255-m1024', 6, 0],
      ['lab-7.2-poollate-c64-m1024', 2, 0],
    ])
  })

  it('the shipped profile carries the fit: with none observed, about ln 2 race frees expected in total, and race frees grow with the latency', () => {
    const fit = fitAllocLatency(boots, profile)!
    expect(profile.params?.allocLatency).toBe(fit.allocLatency)
    expect(fit.observed).toBe(0)
    expect(fit.transitions).toBe(1 + 2 + 5)
    expect(Math.abs(fit.expected - Math.LN2)).toBeLessThan(0.3)
    // The fitted latency depends on the profile's terms (the workload it replays): 0.13 before the
    // perCpuSlabs term, 0.24-0.26 with it; either way more latency, more race frees.
    expect(Math.sign(fit.expectedAtDefault - fit.expected)).toBe(Math.sign(DEFAULT_ALLOC_LATENCY - fit.allocLatency))
    expect(profile.provenance.notes.some((n) => n.startsWith('race model: '))).toBe(true)
  })

  it('no latency, no race; more observed race frees fit a longer latency (derived: the same boots with 3 race frees)', () => {
    expect(expectedRaceFrees(boots, profile, 0)).toBe(0)
    const withRaces = boots.map((b, i) => ({...b, klab: {...b.klab!, race_frees: i === 2 ? 3 : 0}}))
    const a = fitAllocLatency(boots, profile)!
    const b = fitAllocLatency(withRaces, profile)!
    expect(b.observed).toBe(3)
    expect(b.allocLatency).toBeGreaterThan(a.allocLatency)
  })

  it('no boot with several pools: nothing fitted (the before-SMP profiles have one pool per boot)', () => {
    const early = loadProfile('linux-7.2-before-smp')
    const ef = early.provenance.captures.map((c) => readCaptureFacts(captureDir(c.capture)))
    expect(raceBoots(ef)).toEqual([])
    expect(fitAllocLatency([], early)).toBeUndefined()
    expect(early.params?.allocLatency).toBeUndefined()
  })
})
