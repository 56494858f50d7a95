// A host whose kernel is not known: its intervals also cover the other series' predictions
// (predict.ts coverSeries), said in the extrapolation of the uncertainty it returns; the
// uncertainty it is given is its caller's and is left as it was (it pushed into it).
import {describe, expect, it} from 'vitest'
import {defaultHost} from '../../src/model/host.js'
import {type Fitted, type Uncertainty, coverSeries, predict} from '../../src/model/predict.js'
import {loadProfile, otherSeries} from '../../src/model/profile.js'

describe('coverSeries: a new uncertainty, its argument untouched', () => {
  const profile = loadProfile('linux-7.2-before-smp')
  const host = {...defaultHost(), possibleCpus: 1024, onlineCpus: 1024}
  const others = otherSeries(host, profile)
  const own: Fitted = {calls: {value: 100, low: 90, high: 110}, pagesInterval: {value: 300, low: 280, high: 320}}
  const unc: Uncertainty = {level: 0.9, q: 1, widen: 2, fittedOn: 9, pageQ: 1, pageFittedOn: 9, fewCaptures: false, pageFewCaptures: false, extrapolation: ['kernel not known: (given)']}

  it('returns the other series\' line after the given ones, and leaves the given uncertainty as it was', () => {
    expect(others.map((p) => p.name)).toEqual(['linux-6.12-before-smp'])
    const out = coverSeries(host, 'before-smp', others, own, unc)
    expect(out.unc.extrapolation).toEqual(['kernel not known: (given)', expect.stringMatching(/^the intervals also cover the 6\.12 series' prediction \(linux-6\.12-before-smp: 61 \(\d+-\d+\) calls, 2268 \(\d+-\d+\) pages\)$/)])
    expect(unc.extrapolation).toEqual(['kernel not known: (given)'])
    expect(out.unc).not.toBe(unc)
    // The other series' 2268 pages stretch the own interval's high end.
    expect(out.pagesInterval.high).toBeGreaterThan(2268)
  })

  it('a known kernel covers nothing: the intervals and the uncertainty as given', () => {
    const out = coverSeries({...host, kernel: '7.2'}, 'before-smp', others, own, unc)
    expect(out).toEqual({...own, unc})
  })

  it('a prediction says the covering once, as before (1024 CPUs, kernel not known)', () => {
    const p = predict(host, profile, {otherSeries: others})
    expect(p.uncertainty.extrapolation.filter((e) => e.startsWith('the intervals also cover'))).toHaveLength(1)
    expect(p.notes.filter((n) => n.includes('also cover the 6.12 series'))).toHaveLength(1)
  })
})
