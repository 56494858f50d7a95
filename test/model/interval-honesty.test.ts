// The 90 % intervals claim an error on a new host, so they are made of errors on hosts the fit did
// not see: each capture's larger of its leave-one-shape-out (`loco`: every boot of its host shape
// left out) and nested (`nestedLoo`: terms chosen again) errors. A review found them made of the
// plain leave-one-capture-out errors around the full fit (the jackknife: twins of the capture stay
// in, the terms saw it) and called split-conformal with >= 90 % coverage: 7.2-before-smp 0.414 where
// the same-shape-left-out errors give 0.526 and the nested 0.527; the KASAN profile 0.679 for 2.916.
import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'
import {boundError, intervalErrorsText, intervalFromErrors, newHostError} from '../../src/model/interval.js'
import {listProfiles} from '../../src/model/profile.js'

const profiles = listProfiles()

describe('the interval is made of new-host errors', () => {
  it('newHostError takes the larger of the shape-out and nested errors, the plain one only when neither exists', () => {
    // synthetic: measured 100, bound 10 at 100
    expect(newHostError(100, {loo: 101, loco: 110, nested: 95})).toBeCloseTo(boundError(110, 100), 6)
    expect(newHostError(100, {loo: 101, nested: 80})).toBeCloseTo(boundError(80, 100), 6)
    expect(newHostError(100, {loo: 104})).toBeCloseTo(boundError(104, 100), 6)
    expect(newHostError(100, {})).toBeUndefined()
  })

  for (const p of profiles) {
    it(`${p.name}: q is the quantile of the stored loco/nested errors, and says so`, () => {
      const caps = p.provenance.captures
      const errors = caps.flatMap((c) => newHostError(c.measured, {loo: c.loo, loco: c.loco, nested: c.nestedLoo}) ?? [])
      const iv = intervalFromErrors(errors)!
      expect(p.provenance.interval!.q, p.name).toBeCloseTo(iv.q, 3)
      expect(p.provenance.interval!.errors).toBe('new-host')
      // never narrower than either kind of error alone would make it
      const loco = intervalFromErrors(caps.flatMap((c) => (c.loco === undefined ? [] : [boundError(c.loco, c.measured)])))!
      expect(p.provenance.interval!.q).toBeGreaterThanOrEqual(loco.q - 1e-4)
      const pages = caps.flatMap((c) => newHostError(c.measuredPages!, {loo: c.looPages, loco: c.locoPages}) ?? [])
      expect(p.provenance.pageInterval!.q).toBeCloseTo(intervalFromErrors(pages)!.q, 3)
      expect(p.provenance.pageInterval!.errors).toBe('new-host')
      const text = p.provenance.notes.join('\n')
      expect(text).not.toMatch(/conformal/)
      expect(text).toMatch(/no coverage guaranteed/)
    })
  }

  it('the review numbers: 7.2 before SMP and the KASAN profile are at least their loco quantiles', () => {
    const q = (name: string) => profiles.find((p) => p.name === name)!.provenance.interval!.q
    expect(q('linux-7.2-before-smp')).toBeGreaterThanOrEqual(0.526)
    expect(q('linux-7.2-after-smp')).toBeGreaterThanOrEqual(1.089)
    expect(q('linux-7.2-after-smp-kasan')).toBeGreaterThanOrEqual(2.915)
    expect(q('linux-6.12-after-smp')).toBeGreaterThanOrEqual(1.371)
  })

  it('nothing describes the method as split-conformal or guaranteed', () => {
    for (const f of ['README.md', 'src/model/interval.ts', 'src/model/calibrate.ts', 'src/model/report.ts', 'src/model/predict.ts']) {
      expect(readFileSync(f, 'utf8'), f).not.toMatch(/\(split-conformal|split-conformal quantile|the conformal quantile|with probability\s+(?:\/\/ )?at least/)
    }
  })
})

describe('what an interval is made of, in words (interval.ts intervalErrorsText, the one home of the test)', () => {
  it("the calls' new-host errors are the larger of two, the pages' the shape left out only; an older profile's, leave-one-capture-out", () => {
    expect(intervalErrorsText({errors: 'new-host'})).toBe('leave-one-shape-out (or nested, the larger)')
    // calibrate's fitPages has no nested redo: calibrate's "pages 90 % interval" row says so.
    expect(intervalErrorsText({errors: 'new-host'}, 'pages')).toBe('leave-one-shape-out')
    for (const of of ['calls', 'pages'] as const) {
      expect(intervalErrorsText({}, of)).toBe('leave-one-capture-out')
      expect(intervalErrorsText(undefined, of)).toBe('leave-one-capture-out')
    }
  })
})
