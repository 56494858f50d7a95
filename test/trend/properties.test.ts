// Property tests on SYNTHETIC series (test/trend/synthetic.ts): a leak under alloc/free noise is
// found among many quiet sites; pure noise, plateaus (warming caches), single
// steps and sawtooth churn are not suspects. fast-check draws the shapes; the seed is fixed.
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {analyseStore, DEFAULT_ALPHA, DEFAULT_MIN_RATE, type Verdict} from '../../src/trend/analyse.js'
import {rng, shapes, site, type SynthSite, synthStore} from './synthetic.js'

const opts = {minRatePerHour: DEFAULT_MIN_RATE, alpha: DEFAULT_ALPHA, filter: {}}
const FC = {numRuns: 25, seed: 20261204}

/** `others` sites of pure noise next to the one under test, so the correction has work to do. */
function verdictOf(shape: number[], seed: number, others = 30): {verdict: Verdict; suspects: number; rate: number | null} {
  const r = rng(seed ^ 0x5eed)
  const n = shape.length
  const sites: SynthSite[] = [site('under_test', shape)]
  for (let i = 0; i < others; i++) sites.push(site(`quiet${i}`, shapes.noise(r, n, 1e6 * (1 + i), 0.02)))
  const res = analyseStore(synthStore(sites, n, 60), opts)
  const t = res.sites.find((s) => s.func === 'under_test')!
  return {verdict: t.verdict, suspects: res.suspects.length, rate: t.bytesPerHour}
}

const params = fc.record({
  seed: fc.integer({min: 1, max: 2 ** 30}),
  n: fc.integer({min: 60, max: 400}),
  level: fc.double({min: 1e5, max: 1e8, noNaN: true}),
  noise: fc.double({min: 0.01, max: 0.05, noNaN: true}),
})

describe('synthetic: what is a leak', () => {
  // A leak is a running total: the drift plus alloc/free noise at each step (the test reads the
  // changes, src/trend/stats.ts). A line in independent noise is not what bytes in use do; a slow
  // one in large noise (6 sd over 400 points) cannot be told from a random walk by its changes.
  it('a leak (a running total: drift plus alloc/free noise up to 1.5× the drift a step) is the only suspect, its rate within 25 % of the truth', () => {
    fc.assert(
      fc.property(params, fc.double({min: 0, max: 1.5, noNaN: true}), fc.double({min: 2, max: 200, noNaN: true}), ({seed, n, level}, spread, perHourKiB) => {
        const drift = (perHourKiB * 1024) / 60 // one snapshot a minute
        const got = verdictOf(shapes.runningLeak(rng(seed), n, level, drift, spread), seed)
        const truth = drift * 60
        // Near the threshold the estimate may fall on either side of it.
        if (truth < 1.3 * DEFAULT_MIN_RATE) return got.verdict === 'below-min-rate' || got.verdict === 'suspect'
        return got.verdict === 'suspect' && got.suspects === 1 && got.rate !== null && Math.abs(got.rate - truth) / truth < 0.25
      }),
      FC,
    )
  })

  it('pure noise is not a suspect', () => {
    fc.assert(fc.property(params, ({seed, n, level, noise}) => verdictOf(shapes.noise(rng(seed), n, level, noise), seed).suspects === 0), FC)
  })

  it('a plateau (growth that stops, a warming cache) is not a suspect', () => {
    fc.assert(
      fc.property(params, fc.double({min: 0.1, max: 0.6, noNaN: true}), fc.double({min: 0.2, max: 1, noNaN: true}), ({seed, n, level, noise}, stopAt, growthRel) =>
        verdictOf(shapes.plateau(rng(seed), n, level, noise, growthRel * level, stopAt), seed).suspects === 0,
      ),
      FC,
    )
  })

  it('a single step that stays (a new mount) is not a suspect', () => {
    fc.assert(
      fc.property(params, fc.double({min: 0.1, max: 0.9, noNaN: true}), fc.double({min: 0.1, max: 1, noNaN: true}), ({seed, n, level, noise}, at, jumpRel) =>
        verdictOf(shapes.step(rng(seed), n, level, noise, jumpRel * level, at), seed).suspects === 0,
      ),
      FC,
    )
  })

  it('sawtooth churn (growth that returns) is not a suspect', () => {
    fc.assert(
      fc.property(params, fc.integer({min: 8, max: 40}), fc.double({min: 0.1, max: 1, noNaN: true}), ({seed, n, level, noise}, period, ampRel) =>
        verdictOf(shapes.sawtooth(rng(seed), n, level, noise, ampRel * level, Math.min(period, Math.floor(n / 3))), seed).suspects === 0,
      ),
      FC,
    )
  })
})
