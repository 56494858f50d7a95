// Fidelity against the real captures: every instrumented boot of the corpus (testdata/captures, samples) is predicted
// leave-one-out (its profile refitted without it, same terms as the shipped profile) and replayed
// through the recorders; recorded PFNs must be within max(10 %, 8) of the kernel's klab count
// and pool pages exact. Where the model cannot meet that, the test asserts what is true instead
// (the error is outside the bound, or the remaining captures cannot determine the terms).
import {describe, expect, it} from 'vitest'
import {type CaptureFacts, readCaptureFacts} from '../../src/model/capture-facts.js'
import {calibrate, withinBound} from '../../src/model/calibrate.js'
import {predict} from '../../src/model/predict.js'
import {listProfiles} from '../../src/model/profile.js'
import {captureDir} from '../helpers/paths.js'

/**
 * What leave-one-out gives for the captures where the bound is not met: none since the lab's
 * calibration boots (lab/captures: legacylate at 1..128 CPUs, and boots without GB pages) joined
 * the corpus. Before them, the qemu64 boot was outside (no other boot without GB pages) and the two
 * legacylate boots undetermined (two boots for base + per-CPU term).
 */
const NOT_WITHIN: Record<string, 'outside' | 'undetermined'> = {}

/**
 * Pool pages (and race frees) exact on every corpus pool boot (one pool each, before SMP). Where
 * they are not, on the lab's multi-pool boots (page_ext after SMP), why: the count is within the
 * bound but on the other side of a 510 boundary, or the model's race draw (seed 1) lost a cmpxchg
 * that the kernel (no race frees in any real boot) did not.
 */
const POOL_NOT_EXACT: Record<string, string> = {
  // leave-one-out 1574.8 for 1523 (3.4 %): past 3 x 510, so 4 pools for the kernel's 3
  'lab-7.2-poollate-c128-m1024': 'boundary',
  // 6 pools as the kernel, plus one page freed by a modelled cmpxchg loser (seed 1)
  'lab-7.2-poollate-c255-m1024': 'race',
}

const profiles = listProfiles()
const facts = new Map<string, CaptureFacts>()
for (const p of profiles) for (const c of p.provenance.captures) facts.set(c.capture, readCaptureFacts(captureDir(c.capture)))

/**
 * Nested leave-one-out (term selection and size-class grid redone without the capture), where it
 * misses: nowhere since the lab's 6.12 nodebug boots at 2, 8 and 32 CPUs joined and term sets are
 * ranked by their worst error relative to the bound. Before, the fold without the 1-CPU nodebug
 * boot preferred the straight line, which overshoots 1 CPU (231 for 198).
 */
const NESTED_NOT_WITHIN: Record<string, 'outside' | 'undetermined'> = {}

describe('shipped profiles cover every instrumented capture', () => {
  it('each capture with a klab: early count is in exactly one profile (the notrack build is the exception)', () => {
    const all = ['linux-6.12-instr_smp001_1G', 'linux-6.12-nodebug_smp064_1G', 'linux-7.2-pool-c255-m1024', 'linux-7.2-legacylate-c8-m1024']
    for (const c of all) expect(profiles.filter((p) => p.provenance.captures.some((x) => x.capture === c)).length).toBe(1)
    // 26 instrumented corpus boots + 18 lab calibration boots (lab/calibration-boots.sh)
    expect([...facts.keys()].filter((n) => !n.startsWith('lab-')).length).toBe(26)
    expect([...facts.keys()].filter((n) => n.startsWith('lab-')).length).toBe(18)
  })
})

for (const profile of profiles) {
  describe(`leave-one-out: ${profile.name}`, () => {
    const group = profile.provenance.captures.map((c) => facts.get(c.capture)!)
    const terms = profile.terms.map((t) => t.id).filter((t) => t !== 'base')
    for (const cap of group) {
      it(`${cap.name}: klab ${cap.klabKind} count ${cap.calls}`, () => {
        const rest = group.filter((g) => g !== cap)
        let loo
        try {
          // The race latency is fitted on the race frees of every multi-pool boot (none observed),
          // not part of the count's leave-one-out: the shipped one is kept.
          loo = calibrate(rest, {terms, raceLatency: false}).profile
          if (profile.params?.allocLatency !== undefined) loo.params = {...loo.params, allocLatency: profile.params.allocLatency}
        } catch (e) {
          expect(NOT_WITHIN[cap.name]).toBe('undetermined')
          expect(String((e as Error).message)).toMatch(/cannot determine/)
          return
        }
        expect(NOT_WITHIN[cap.name]).not.toBe('undetermined')
        const p = predict(cap.host, loo, {seed: 1})
        const pool = p.pool!
        const legacy = p.legacy!
        expect(pool.recorded).toBe(p.events)
        if (NOT_WITHIN[cap.name] === 'outside') expect(withinBound(pool.recorded, cap.calls!)).toBe(false)
        else expect(Math.abs(pool.recorded - cap.calls!)).toBeLessThanOrEqual(Math.max(0.1 * cap.calls!, 8))
        // The kernel's own pool and legacy counters.
        if (cap.klabKind === 'early_pfn' && cap.klab!.recorded > 0) {
          const k = cap.klab!
          // The kernel: the pools it kept hold its PFNs, PFN_POOL_SIZE (510) each; a cmpxchg loser
          // frees its page (race_frees), so it allocated pools + race_frees pages. The model's
          // pool pages are all it allocated: the same law.
          expect(k.pools).toBe(Math.ceil(k.recorded / 510))
          expect(pool.poolPages).toBe(Math.ceil(pool.recorded / 510) + pool.raceFrees)
          expect(pool.dropped).toBe(k.alloc_fail)
          const exact = pool.poolPages === k.pools + k.race_frees && pool.raceFrees === k.race_frees
          expect(exact, `model ${pool.poolPages} pages / ${pool.raceFrees} races, kernel ${k.pools} + ${k.race_frees}`).toBe(POOL_NOT_EXACT[cap.name] === undefined)
          if (POOL_NOT_EXACT[cap.name]) expect(Math.abs(pool.poolPages - pool.raceFrees - k.pools)).toBeLessThanOrEqual(1)
        }
        if (cap.klabKind === 'early_pfn_legacy') {
          expect(legacy.dropped).toBe(cap.klab!.dropped)
          expect(withinBound(legacy.recorded, cap.klab!.recorded)).toBe(NOT_WITHIN[cap.name] === undefined)
        }
      })
    }
    it('nested leave-one-out (terms chosen again without the capture) as recorded in the provenance', () => {
      const o = calibrate(group, {name: profile.name}).profile
      for (const pt of o.provenance.captures) {
        const miss = NESTED_NOT_WITHIN[pt.capture]
        if (miss === 'undetermined') expect(pt.nestedLoo, pt.capture).toBeUndefined()
        else expect(withinBound(pt.nestedLoo!, pt.measured), pt.capture).toBe(miss === undefined)
      }
      expect(profile.provenance.nestedLooWithinBound).toBe(o.provenance.nestedLooWithinBound)
    })
  })
}
