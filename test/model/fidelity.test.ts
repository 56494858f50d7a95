// Fidelity against the real captures: every instrumented boot of the corpus (testdata/captures, samples) is predicted
// leave-one-out (its profile refitted without it, same terms as the shipped profile) and replayed
// through the recorders; recorded PFNs must be within max(10 %, 8) of the kernel's klab count
// and pool pages exact. Where the model cannot meet that, the test asserts what is true instead
// (the error is outside the bound, or the remaining captures cannot determine the terms).
import {describe, expect, it} from 'vitest'
import {type CaptureFacts, readCaptureFacts} from '../../src/model/capture-facts.js'
import {calibrate, withinBound} from '../../src/model/calibrate.js'
import {predict} from '../../src/model/predict.js'
import {listProfiles, loadProfile} from '../../src/model/profile.js'
import {term} from '../../src/model/terms.js'
import type {Interval} from '../../src/model/interval.js'
import {captureDir} from '../helpers/paths.js'

/**
 * What leave-one-out gives for the captures where the bound is not met. Since the lab's
 * calibration boots (lab/captures: legacylate at 1..128 CPUs, and boots without GB pages) joined
 * the corpus, only a NUMA/memory boot after SMP, where the kernel itself is not repeatable: the
 * same host shape booted again counts differently (lab/README.md, "NUMA nodes and memory":
 * c16-m16384-n1 gave 501, 476, 516, 470 and 429 (and 485, 486 not committed); c16-m4096-n1 386, 385, 406;
 * c16-m16384-n2 444, 462, 482), by more than the bound's 10 % between the extremes. Before those
 * boots, the qemu64 boot was outside (no other boot without GB pages) and the two legacylate boots
 * undetermined; before the -r2/-r3 repeats of c16-m16384-n1, its first boot (448 for 501).
 */
const NOT_WITHIN: Record<string, 'outside' | 'undetermined'> = {
  // leave-one-out 459.2 for 516 (11.0 %): the high draw of its shape (429 to 516 over 5 boots)
  'lab-7.2-legacylate-c16-m16384-n1-r3': 'outside',
}

/**
 * Pool pages (and race frees) exact on every corpus pool boot (one pool each, before SMP). Where
 * they are not, on the lab's multi-pool boots (page_ext after SMP), why: the count is within the
 * bound but on the other side of a 510 boundary, or the model's race draw (seed 1) lost a cmpxchg
 * that the kernel (no race frees in any real boot) did not.
 */
const POOL_NOT_EXACT: Record<string, string> = {
  // leave-one-out past 3 x 510 for the kernel's 1523: 4 pools for its 3
  'lab-7.2-poollate-c128-m1024': 'boundary',
}

/**
 * Recorder-less boots whose untagged PAGES the model misses by more than max(10 %, 8) (the calls
 * are within it on every one). None since the lab's 6.12 NUMA/memory and 128-CPU boots and the
 * pages' own terms (pow2PossibleCpus, nodes; KASAN's two terms from the notrack boots). Before,
 * the 2-node boot (no node term), the 192-CPU boot (a linear per-CPU term extrapolated from 64:
 * 515 for 403) and the five KASAN + kmemleak boots (fitted without KASAN) missed.
 */
const PAGES_NOT_WITHIN = new Set<string>([])
const pageChecks: {capture: string; predicted: number; measured: number; ok: boolean}[] = []

/** Every boot predicted without itself, for the coverage of the 90 % intervals (printed at the end). */
const checked: {capture: string; profile: string; measured: number; calls: Interval; recorder: string}[] = []

/**
 * The kernel's own recorder as the model reports it: none (6.12, the notrack build) records 0 and
 * leaves every early page untagged, the klab count's pages within the bound; pool and legacy record.
 */
function checkRecorderVerdict(cap: CaptureFacts, p: ReturnType<typeof predict>): void {
  expect(p.recorder).toBe(cap.recorder)
  const k = p.kernel!
  if (cap.recorder === 'none') {
    expect(k.recorded).toEqual({value: 0, low: 0, high: 0})
    expect(withinBound(k.leftUntaggedCalls.value, cap.calls!), `${cap.name} untagged calls ${k.leftUntaggedCalls.value} for ${cap.calls}`).toBe(true)
    const pagesOk = withinBound(k.leftUntaggedPages.value, cap.pages!)
    pageChecks.push({capture: cap.name, predicted: k.leftUntaggedPages.value, measured: cap.pages!, ok: pagesOk})
    expect(pagesOk, `${cap.name} untagged pages ${k.leftUntaggedPages.value} for ${cap.pages}`).toBe(!PAGES_NOT_WITHIN.has(cap.name))
    // a DEBUG kernel warns for each of them if freed; without DEBUG there is no such WARN
    expect(k.wouldWarnIfFreedPages.value).toBe(cap.host.debug ? k.leftUntaggedPages.value : 0)
  } else {
    expect(['pool', 'legacy']).toContain(cap.recorder)
    expect(k.recorded.value).toBeGreaterThan(0)
  }
}

const profiles = listProfiles()
const facts = new Map<string, CaptureFacts>()
for (const p of profiles) for (const c of p.provenance.captures) facts.set(c.capture, readCaptureFacts(captureDir(c.capture)))

/**
 * Nested leave-one-out (term selection and size-class grid redone without the capture), where it
 * misses: the after-SMP NUMA/memory boot of NOT_WITHIN, the high draw of a shape whose counts vary
 * from boot to boot, missed by 10.5 %, and the two KASAN 4 GiB boots, by 10.6 %. (Before
 * these boots nothing missed: since the lab's 6.12 nodebug boots at 2, 8 and 32 CPUs joined,
 * term sets are ranked by their worst error relative to the bound.)
 */
const NESTED_NOT_WITHIN: Record<string, 'outside' | 'undetermined'> = {
  // 461.7 for 516: the high draw of its shape (NOT_WITHIN)
  'lab-7.2-legacylate-c16-m16384-n1-r3': 'outside',
  // 593 for 536 and 514 for 575 (10.6 % each): the KASAN profile's only 4 GiB boots; without
  // either, the fold picks normalZone (the two differ in nodes) instead of log2Memory
  'lab-7.2-legacylate-kasan-c16-m4096-n1': 'outside',
  'lab-7.2-legacylate-kasan-c16-m4096-n2': 'outside',
}

/** A capture's nested leave-one-out redone: the terms chosen again without it, then its count predicted. */
function nestedRedone(group: CaptureFacts[], name: string): number {
  const rest = group.filter((g) => g.name !== name)
  const fit = calibrate(rest, {nested: false, coverage: false}).profile
  const cap = group.find((g) => g.name === name)!
  return fit.terms.reduce((s, t) => s + t.calls * term(t.id).value(cap.host, fit.params ?? {}), 0)
}

describe('shipped profiles cover every instrumented capture', () => {
  it('each capture with a klab: early count is in exactly one profile (the 256-slot boot is in none)', () => {
    const all = ['linux-6.12-instr_smp001_1G', 'linux-6.12-nodebug_smp064_1G', 'linux-7.2-pool-c255-m1024', 'linux-7.2-legacylate-c8-m1024']
    for (const c of all) expect(profiles.filter((p) => p.provenance.captures.some((x) => x.capture === c)).length).toBe(1)
    // 27 instrumented corpus boots + 77 lab calibration boots (lab/calibration-boots.sh; 21 of
    // them the NUMA/memory grid after SMP and its repeats, 7 the 6.12 and 7 the 7.2 pool
    // NUMA/memory boots before SMP, 4 the notrack KASAN + kmemleak boots, 20 the legacylate-kasan
    // boots after SMP, in their own profile)
    expect([...facts.keys()].filter((n) => !n.startsWith('lab-')).length).toBe(27)
    expect([...facts.keys()].filter((n) => n.startsWith('lab-')).length).toBe(77)
  })
})

for (const profile of profiles) {
  describe(`leave-one-out: ${profile.name}`, () => {
    const group = profile.provenance.captures.map((c) => facts.get(c.capture)!)
    // The calls and the extra pages have terms of their own (calibrate's fitPages): refit each with its own.
    const terms = profile.terms.filter((t) => t.id !== 'base' && t.calls !== 0).map((t) => t.id)
    const pageTerms = profile.provenance.pageTerms!.filter((t) => t !== 'base')
    for (const cap of group) {
      it(`${cap.name}: klab ${cap.klabKind} count ${cap.calls}`, () => {
        const rest = group.filter((g) => g !== cap)
        let loo
        try {
          // The race latency is fitted on the race frees of every multi-pool boot (none observed),
          // not part of the count's leave-one-out: the shipped one is kept. The fold's own coverage
          // (a leave-one-out inside it) is not used here: this test measures coverage itself.
          loo = calibrate(rest, {terms, pageTerms, raceLatency: false, coverage: false}).profile
          if (profile.params?.allocLatency !== undefined) loo.params = {...loo.params, allocLatency: profile.params.allocLatency}
        } catch (e) {
          expect(NOT_WITHIN[cap.name]).toBe('undetermined')
          expect(String((e as Error).message)).toMatch(/cannot determine/)
          return
        }
        expect(NOT_WITHIN[cap.name]).not.toBe('undetermined')
        const p = predict(cap.host, loo, {seed: 1, recorder: cap.recorder, recorderReason: cap.recorderReason})
        const pool = p.pool!
        const legacy = p.legacy!
        checked.push({capture: cap.name, profile: profile.name, measured: cap.calls!, calls: p.calls, recorder: cap.recorder})
        checkRecorderVerdict(cap, p)
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
          expect(pool.trackingPagesAllocated).toBe(Math.ceil(pool.recorded / 510) + pool.raceFrees)
          expect(pool.dropped).toBe(k.alloc_fail)
          const exact = pool.trackingPagesAllocated === k.pools + k.race_frees && pool.raceFrees === k.race_frees
          expect(exact, `model ${pool.trackingPagesAllocated} pages / ${pool.raceFrees} races, kernel ${k.pools} + ${k.race_frees}`).toBe(POOL_NOT_EXACT[cap.name] === undefined)
          if (POOL_NOT_EXACT[cap.name]) expect(Math.abs(pool.trackingPagesAllocated - pool.raceFrees - k.pools)).toBeLessThanOrEqual(1)
        }
        if (cap.klabKind === 'early_pfn_legacy') {
          expect(legacy.dropped).toBe(cap.klab!.dropped)
          expect(withinBound(legacy.recorded, cap.klab!.recorded)).toBe(NOT_WITHIN[cap.name] === undefined)
        }
      })
    }
    it('nested leave-one-out (terms chosen again without the capture) as recorded in the provenance', () => {
      const recorded = profile.provenance.captures
      for (const pt of recorded) {
        const miss = NESTED_NOT_WITHIN[pt.capture]
        if (miss === 'undetermined') expect(pt.nestedLoo, pt.capture).toBeUndefined()
        else expect(withinBound(pt.nestedLoo!, pt.measured), pt.capture).toBe(miss === undefined)
      }
      expect(profile.provenance.nestedLooWithinBound).toBe(`${recorded.filter((pt) => pt.nestedLoo !== undefined && withinBound(pt.nestedLoo, pt.measured)).length}/${recorded.length}`)
      // The recorded values are true: redone here for the misses and the first capture (all of
      // them is the full nested selection: 20-25 s for the largest profile; each redo ~2 s there).
      const sample = recorded.filter((pt, i) => NESTED_NOT_WITHIN[pt.capture] === 'outside' || i === 0)
      for (const pt of sample) expect(nestedRedone(group, pt.capture), pt.capture).toBeCloseTo(pt.nestedLoo!, 1)
    }, 180_000) // a few 2 s redos: 87 s under a load of 25-30, over the suite's 60 s
  })
}

/**
 * Boots no profile is fitted on, predicted by the shipped profile of their kernel and window (so
 * out of sample by construction): the 256-slot legacy array after SMP. (The notrack KASAN +
 * kmemleak boots were here until the 7.2 before-SMP profile was fitted on them, and the
 * legacylate-kasan boots are in their own after-SMP profile: kasan.test.ts.)
 */
const OUT_OF_FIT: [string, string][] = [
  ['lab-7.2-legacy256late-c8-m1024-shrink', 'linux-7.2-after-smp'],
]

describe('boots outside every fit, by the shipped profile', () => {
  for (const [name, profName] of OUT_OF_FIT) {
    it(`${name} (${profName})`, () => {
      const cap = readCaptureFacts(captureDir(name))
      const p = predict(cap.host, loadProfile(profName), {seed: 1, recorder: cap.recorder, recorderReason: cap.recorderReason, legacyMax: cap.legacyMax})
      expect(withinBound(p.events, cap.calls!), `${p.events} for ${cap.calls}`).toBe(true)
      checked.push({capture: name, profile: profName, measured: cap.calls!, calls: p.calls, recorder: cap.recorder})
      checkRecorderVerdict(cap, p)
      if (cap.recorder === 'legacy') {
        expect(p.kernel!.recorded.value).toBe(Math.min(cap.legacyMax ?? 8192, p.events))
        expect(p.legacy!.recorded).toBe(cap.klab!.recorded)
      }
    })
  }
})

describe('90 % intervals over every instrumented boot', () => {
  it('cover the measured count on at least 90 % of the boots (each boot left out of its own interval)', () => {
    expect(checked.length).toBe(104 + OUT_OF_FIT.length)
    const inside = checked.filter((c) => c.measured >= c.calls.low && c.measured <= c.calls.high)
    const missed = checked.filter((c) => !inside.includes(c)).map((c) => `${c.capture}: ${c.measured} outside ${c.calls.value} (${c.calls.low}-${c.calls.high})`)
    const none = checked.filter((c) => c.recorder === 'none').length
    const pagesOk = pageChecks.filter((c) => c.ok).length
    console.log(
      `recorder-less boots: 0 recorded on all ${none}; untagged pages within max(10 %, 8) on ${pagesOk}/${pageChecks.length}: misses ${pageChecks
        .filter((c) => !c.ok)
        .map((c) => `${c.capture} ${c.predicted} for ${c.measured}`)
        .join('; ')}`,
    )
    console.log(`interval coverage: ${inside.length}/${checked.length} = ${((100 * inside.length) / checked.length).toFixed(1)} % (${none} recorder-less boots)${missed.length ? `; outside: ${missed.join('; ')}` : ''}`)
    expect(inside.length / checked.length).toBeGreaterThanOrEqual(0.9)
  })
})
