// The early pages' model (calibrate's fitPages): one fit gives the value and, from its own
// leave-one-out errors, the interval. Checked on every real boot each shipped profile is fitted on,
// and on the boots a review found predicted from another model's value inside this one's interval
// (lab-7.2-legacylate-c1-m1024: 1553 (0-3183) for 412 measured).
import {describe, expect, it} from 'vitest'
import {type CaptureFacts, readCaptureFacts} from '../../src/model/capture-facts.js'
import {intervalFromErrors, newHostError} from '../../src/model/interval.js'
import {predict} from '../../src/model/predict.js'
import {listProfiles, loadProfile} from '../../src/model/profile.js'
import {expectedCounts} from '../../src/model/workload.js'
import {term} from '../../src/model/terms.js'
import {runCli} from '../helpers/cli.js'
import {captureDir} from '../helpers/paths.js'

const profiles = listProfiles()
const facts = new Map<string, CaptureFacts>()
const fact = (name: string): CaptureFacts => {
  if (!facts.has(name)) facts.set(name, readCaptureFacts(captureDir(name)))
  return facts.get(name)!
}
/** The 90 % interval of the pages predict gives a boot, by the profile fitted on it (default) or another. */
const pagesOf = (name: string, profile = loadProfile(profileName(name))) => {
  const f = fact(name)
  return predict(f.host, profile, {seed: 1, recorder: f.recorder, recorderReason: f.recorderReason}).pagesInterval
}
const profileName = (capture: string) => profiles.find((p) => p.provenance.captures.some((c) => c.capture === capture))!.name
const inside = (v: number, iv: {low: number; high: number}) => v >= iv.low && v <= iv.high

/**
 * Page intervals that hold a new host shape's pages less often than 90 %, as measured (the number
 * is stated in README, not hidden): 7.2 after SMP, whose 16 GiB boots on 2 and 4 nodes make ~8 900
 * pages against ~2 800 on one node, a step no page term follows; with that shape left out the
 * others cannot predict it.
 */
const PAGE_COVERAGE_BELOW: Record<string, string> = {'linux-7.2-after-smp': '26/34'}

describe('shipped profiles: the pages on every boot they are fitted on', () => {
  for (const p of profiles) {
    it(`${p.name}: the value is the stored page model's, its interval that model's leave-one-out errors, and holds the measured pages on at least 90 % of the boots`, () => {
      const caps = p.provenance.captures
      // One model: the stored coefficients give the fitted pages calibrate recorded, and the page
      // interval's half-width is the 90 % quantile of that model's own leave-one-shape-out errors.
      for (const c of caps) expect(expectedCounts(fact(c.capture).host, p).pages, c.capture).toBeCloseTo(c.fittedPages!, 1)
      const errors = caps.flatMap((c) => newHostError(c.measuredPages!, {loo: c.looPages, loco: c.locoPages}) ?? [])
      const iv = intervalFromErrors(errors, undefined, 'new-host')!
      // (from the leave-one-out values as stored, to 2 decimals)
      expect(p.provenance.pageInterval!.q).toBeCloseTo(iv.q, 2)
      expect({...p.provenance.pageInterval, q: 0}).toEqual({...iv, q: 0})
      // The stated coverage is 90 %: on the boots it was fitted on (which its leave-one-out never
      // saw when it made the interval) the interval must hold the measured pages at least that
      // often. A test asking "always" would pass an interval made wide enough to mean nothing.
      const within = caps.filter((c) => {
        const f = fact(c.capture)
        expect(f.pages ?? f.calls, c.capture).toBe(c.measuredPages)
        return inside(c.measuredPages!, pagesOf(c.capture, p))
      })
      expect(within.length / caps.length, `${within.length}/${caps.length}`).toBeGreaterThanOrEqual(0.9)
      // And left out of its own interval (each boot's interval remade without it), as calibrate measured it.
      // Each boot's host shape left out (a new host), as calibrate measures it. A boot whose shape
      // the others cannot predict (pool-c255, the only one past 128 CPUs, tells possibleCpus from
      // pow2PossibleCpus) has no interval of its own to be in.
      const [n, of] = p.provenance.pageCoverage!.split('/').map(Number)
      expect(of).toBeLessThanOrEqual(caps.filter((c) => c.looPages !== undefined).length)
      if (PAGE_COVERAGE_BELOW[p.name]) expect(`${n}/${of}`).toBe(PAGE_COVERAGE_BELOW[p.name])
      else expect(n / of).toBeGreaterThanOrEqual(0.9)
    })
  }

  it('no extra pages below zero: at the lower corner of each profile\'s fitted boots, and no term takes pages away beyond it', () => {
    for (const p of profiles) {
      const hosts = p.provenance.captures.map((c) => fact(c.capture).host)
      const extraAtCorner = p.terms.reduce((s, t) => s + (t.pages - t.calls) * Math.min(...hosts.map((h) => term(t.id).value(h, p.params ?? {}))), 0)
      expect(extraAtCorner, p.name).toBeGreaterThanOrEqual(-1e-3)
      for (const t of p.terms) if (t.id !== 'base') expect(t.pages - t.calls, `${p.name} ${t.id}`).toBeGreaterThanOrEqual(-1e-6)
    }
  })
})

describe('the boots the review named', () => {
  it('lab-7.2-legacylate-c1-m1024 (after SMP, fitted on): 412 pages, no longer 1553 (0-3183)', () => {
    const iv = pagesOf('lab-7.2-legacylate-c1-m1024')
    expect(Math.abs(iv.value - 412)).toBeLessThanOrEqual(0.1 * 412)
    expect(inside(412, iv)).toBe(true)
    expect(iv.low).toBeGreaterThan(0)
  })
  it('linux-7.2-legacylate-c8-m1024: 895 pages inside, no longer 1879 (0-3851)', () => {
    const iv = pagesOf('linux-7.2-legacylate-c8-m1024')
    expect(Math.abs(iv.value - 895) / 895).toBeLessThan(0.15)
    expect(inside(895, iv)).toBe(true)
    expect(iv.low).toBeGreaterThan(0)
  })
  it('before SMP the 64-CPU pool boot\'s 496 pages are inside (were outside 512 (500-524))', () => {
    for (const c of ['linux-7.2-pool-c64-m1024', 'linux-7.2-legacy-c64-m1024', 'lab-7.2-notrack-c1-m1024']) {
      const f = fact(c)
      expect(inside(f.pages!, pagesOf(c)), c).toBe(true)
    }
  })
  it('KASAN after SMP: lab-7.2-legacylate-kasan-c1-m1024\'s 662 pages inside (were 1349 (746-1952))', () => {
    const iv = pagesOf('lab-7.2-legacylate-kasan-c1-m1024')
    expect(inside(662, iv)).toBe(true)
    expect(Math.abs(iv.value - 662) / 662).toBeLessThan(0.3)
  })
})

describe('predict says the pages interval it uses', () => {
  it('JSON uncertainty has the page q; text has its half-width row', async () => {
    const dir = captureDir('lab-7.2-legacylate-c1-m1024')
    const doc = JSON.parse((await runCli(['predict', '--from', dir, '--json'])).stdout)
    const q = loadProfile('linux-7.2-after-smp').provenance.pageInterval!.q
    expect(doc.result.uncertainty.pageQ).toBe(q)
    expect(doc.result.uncertainty.q).not.toBe(q)
    const text = (await runCli(['predict', '--from', dir, '--format', 'text'])).stdout
    expect(text).toMatch(new RegExp(`pages half-width +\\+/- ${q.toFixed(2).replace(/0+$/, '').replace(/\.$/, '')} x`))
  })
  it('a profile of fewer than 9 boots: predict says each half-width is the largest error x 1.5', () => {
    const p = loadProfile('linux-6.12-after-smp')
    expect(p.provenance.interval!.fewCaptures).toBe(true)
    const f = fact('linux-6.12-nodebug_smp004_1G')
    const r = predict(f.host, p, {seed: 1})
    expect(r.uncertainty.fewCaptures).toBe(true)
    expect(r.notes.join('\n')).toMatch(/fitted on 7 boots, fewer than the 9 a 90 % quantile .* needs: each half-width is the largest of those errors × 1\.5/)
    expect(predict(fact('linux-7.2-pool-c4-m1024').host, loadProfile('linux-7.2-before-smp')).notes.join('\n')).not.toMatch(/fewer than the 9/)
  })
})

describe('calibrate reports the pages as the calls', () => {
  it('a 2-capture fit: no "0/0" coverage, pages R^2 and RMSE given; text is ASCII; the size-class note does not contradict itself', async () => {
    const two = ['linux-7.2-pool-c1-m1024', 'linux-7.2-pool-c4-m1024'].map(captureDir)
    const text = (await runCli(['calibrate', ...two, '--format', 'text'])).stdout
    expect(text).not.toMatch(/0\/0/)
    expect(text).toMatch(/interval coverage undefined: without any one host shape too few remain/)
    expect(text).toMatch(/^pages R\^2 /m)
    expect(text).toMatch(/^pages RMSE /m)
    // each capture's pages beside its calls: measured, fitted, leave-one-out (the other boot alone), within the bound
    expect(text).toMatch(/^Captures: early pages\n-+\n(.*\n){2}linux-7\.2-pool-c1-m1024 +146 +156\.5 +167 +no$/m)
    expect(text).not.toMatch(/\\u23/)
    // linux-7.2-after-smp chose kmalloc-256; before SMP kmalloc-512, as allocinfo's sheaves say.
    const sizeNote = (name: string) => loadProfile(name).provenance.notes.find((x) => x.startsWith('perCpuSlabs size class'))!
    expect(sizeNote('linux-7.2-after-smp')).toMatch(/^perCpuSlabs size class: kmalloc-256, .*i\.e\. kmalloc-512: the counts fit kmalloc-256 better, so the class here is a fitted parameter/)
    expect(sizeNote('linux-7.2-before-smp')).toMatch(/^perCpuSlabs size class: kmalloc-512, .*; agrees with the 7\.x per-CPU sheaves/)
    const full = (await runCli(['calibrate', ...['linux-7.2-pool-c1-m1024', 'linux-7.2-pool-c4-m1024', 'linux-7.2-pool-c16-m1024', 'linux-7.2-pool-c64-m1024', 'linux-7.2-pool-c255-m1024'].map(captureDir), '--format', 'text'])).stdout
    expect(full).not.toMatch(/\\u[0-9a-f]{4}/)
    // The interval note of a fit of 9 or more captures, as calibrate prints it: ASCII.
    const note = loadProfile('linux-7.2-before-smp').provenance.notes.find((n) => n.startsWith('90 % interval'))!
    expect(note).toMatch(/^90 % interval: \+\/-[\d.]+ x max\(10%,8\) at the predicted value, the ceil\(0\.9 \(n \+ 1\)\)-th smallest of the 22 /)
    expect(note).toMatch(/^[\x20-\x7e]+$/)
    expect(full).toMatch(/^pages leave-one-out RMSE /m)
  }, 120_000)
})
