// Calibration on the real captures: the shipped profiles are reproducible fits, and calibrate
// refuses data that cannot determine a term, saying why.
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {readCaptureFacts} from '../../src/model/capture-facts.js'
import {calibrate} from '../../src/model/calibrate.js'
import {calibrationReport} from '../../src/model/report.js'
import {dot, leaveOneOut, lstsq} from '../../src/model/fit.js'
import {listProfiles} from '../../src/model/profile.js'
import {captureDir} from '../helpers/paths.js'
import {derivedOverflowCapture} from '../helpers/model-derived.js'

const cap = (n: string) => readCaptureFacts(captureDir(n))

describe('least squares', () => {
  it('recovers the coefficients of a synthetic exact linear model and flags a dependent column', () => {
    const X = [1, 2, 4, 8, 16].map((p) => [1, p, Math.log2(p)])
    const y = X.map((r) => dot(r, [70, 0.5, 6]))
    const f = lstsq(X, y)
    f.coef.forEach((c, i) => expect(c).toBeCloseTo([70, 0.5, 6][i], 8))
    const dep = lstsq(X.map((r) => [...r, 2 * r[1] + 1]), y)
    expect(dep.dependent).toEqual([3])
    expect(leaveOneOut(X.slice(0, 3), y.slice(0, 3), ['base', 'p', 'l'])[0].reason).toMatch(/2 captures remain for 3 terms/)
  })
})

describe('capture facts', () => {
  it('reads the klab counts and host of real captures', () => {
    const c = cap('linux-7.2-pool-c64-m1024-maxcpus4')
    expect(c.calls).toBe(142) // untagged_calls 143 minus the pool page (nocodetag_calls 1)
    expect(c.host.possibleCpus).toBe(64)
    expect(c.host.onlineCpus).toBe(4)
    expect(c.window).toBe('before-smp')
    const t = cap('linux-7.2-pool-c255-m1024') // truncated boot: console.log only
    expect(t.calls).toBe(225)
    expect(t.host.possibleCpus).toBe(255)
    const l = cap('linux-6.12-nodebug_smp064_1G')
    expect(l.window).toBe('after-smp')
    expect(l.calls).toBe(1955)
    expect(cap('linux-6.12-instr_smp008_16G').host.normalZone).toBe(true)
  })
})

describe('shipped profiles', () => {
  for (const p of listProfiles()) {
    it(`${p.name} is the fit of its captures (reproducible)`, () => {
      // nested: false — the nested leave-one-out values are checked in fidelity.test.ts; the
      // terms, parameters and r2 do not depend on them (and nested is most of calibrate's time);
      // nor on the coverage, which fidelity.test.ts measures over every boot.
      const o = calibrate(
        p.provenance.captures.map((c) => cap(c.capture)),
        {name: p.name, nested: false, coverage: false},
      )
      expect(o.profile.terms).toEqual(p.terms)
      expect(o.profile.params).toEqual(p.params)
      expect(o.profile.provenance.r2).toBe(p.provenance.r2)
      expect(o.profile.window).toBe(p.window)
    })
  }
})

describe('refusals', () => {
  it('refuses captures that all have the same CPU count', () => {
    const same = ['linux-7.2-pool-c64-m1024', 'linux-7.2-pool-c64-m1024-maxcpus4', 'linux-7.2-legacy-c64-m1024'].map(cap)
    expect(() => calibrate(same)).toThrow(/cannot determine any per-CPU term \(every capture has possibleCpus = 64\)/)
  })
  it('refuses a term the captures do not vary', () => {
    const g = ['linux-7.2-pool-c1-m1024', 'linux-7.2-pool-c4-m1024', 'linux-7.2-pool-c16-m1024'].map(cap)
    expect(() => calibrate(g, {terms: ['possibleCpus', 'nodes']})).toThrow(/cannot determine nodes: every capture has nodes = 1/)
  })
  it('refuses to mix page_ext windows and captures without counts', () => {
    expect(() => calibrate([cap('linux-7.2-pool-c1-m1024'), cap('linux-7.2-legacylate-c8-m1024')])).toThrow(/mix page_ext windows/)
    expect(() => calibrate([cap('linux-6.12-stock_smp001_1G')])).toThrow(/no klab: line and no EARLY_ALLOC_PFN_MAX overflow message/)
  })
})

describe('lower bounds (derived captures: only the overflow message)', () => {
  const exact = ['linux-7.2-pool-c1-m1024', 'linux-7.2-pool-c4-m1024', 'linux-7.2-pool-c16-m1024', 'linux-7.2-pool-c64-m1024', 'linux-7.2-pool-c255-m1024'].map(cap)

  it('a violated bound is made active: the fit passes through at least 8193 there', () => {
    const bound = readCaptureFacts(derivedOverflowCapture('linux-7.2-pool-c64-m1024', 512))
    expect(bound.calls).toBeUndefined()
    expect(bound.overflowLowerBound).toBe(8193)
    expect(bound.host.possibleCpus).toBe(512)
    const free = calibrate(exact, {terms: ['possibleCpus']})
    expect(free.lowerBounds).toEqual([])
    const o = calibrate([...exact, bound], {terms: ['possibleCpus']})
    expect(o.lowerBounds[0].satisfied).toBe(true)
    expect(o.lowerBounds[0].fitted).toBeGreaterThanOrEqual(8192.5)
    expect(o.notes.join('\n')).toMatch(/fitted through it/)
  })

  it('only lower bounds: refused', () => {
    const bound = readCaptureFacts(derivedOverflowCapture('linux-7.2-pool-c64-m1024', 512))
    expect(() => calibrate([bound])).toThrow(/only lower bounds \(overflow messages\)/)
  })
})

describe('capture facts from odd inputs', () => {
  it('reads a gzip-compressed copy of a real dmesg (derived), and refuses a directory with a clean error', async () => {
    const {mkdtempSync, readFileSync, writeFileSync, mkdirSync} = await import('node:fs')
    const {gzipSync} = await import('node:zlib')
    const {tmpdir} = await import('node:os')
    const d = join(mkdtempSync(join(tmpdir(), 'allocscope-derived-gz-')), 'derived-gz-pool-c16')
    mkdirSync(d)
    writeFileSync(join(d, 'dmesg.txt.gz'), gzipSync(readFileSync(join(captureDir('linux-7.2-pool-c16-m1024'), 'dmesg.txt'))))
    expect(readCaptureFacts(d).calls).toBe(86)
    const odd = join(mkdtempSync(join(tmpdir(), 'allocscope-derived-dir-')), 'x')
    mkdirSync(join(odd, 'dmesg.txt'), {recursive: true})
    expect(() => readCaptureFacts(odd)).toThrow(/neither a boot log/)
  })
})

describe('leave one host shape out', () => {
  it('the three 64-CPU 7.2 boots are left out together: their twins no longer help', () => {
    const p = listProfiles().find((x) => x.name === 'linux-7.2-before-smp')!
    const c64 = p.provenance.captures.find((c) => c.capture === 'linux-7.2-pool-c64-m1024')!
    expect(c64.measured).toBe(142)
    expect(Math.abs(c64.loo! - 142)).toBeLessThan(Math.abs(c64.loco! - 142))
    // Still within the bound without its twins: the notrack KASAN boots at 1, 4, 16 and 64 CPUs
    // (another shape: KASAN is part of it) share the per-CPU terms. Before they joined: 14.2+ off.
    expect(Math.abs(c64.loco! - 142)).toBeLessThanOrEqual(14.2)
    expect(p.provenance.captures.find((c) => c.capture === 'lab-7.2-notrack-c64-m1024')!.loco).toBe(p.provenance.captures.find((c) => c.capture === 'lab-7.2-notrack-c64-m1024')!.loo)
    expect(p.provenance.locoWithinBound).toBe(`${p.provenance.captures.filter((c) => Math.abs(c.loco! - c.measured) <= Math.max(8, 0.1 * c.measured)).length}/22`)
  })
})

describe('term selection', () => {
  it('ranks term sets by leave-one-out misses, then the worst error relative to the bound (6.12 nodebug + lab boots)', () => {
    const p = listProfiles().find((x) => x.name === 'linux-6.12-after-smp')!
    const o = calibrate(p.provenance.captures.map((c) => cap(c.capture)), {nested: false})
    const chosen = o.profile.terms.map((t) => t.id).filter((t) => t !== 'base')
    expect(o.tried[0].terms).toEqual(chosen)
    for (let i = 1; i < o.tried.length; i++) {
      const [a, b] = [o.tried[i - 1], o.tried[i]]
      expect(a.looFailures < b.looFailures || (a.looFailures === b.looFailures && a.looWorst <= b.looWorst)).toBe(true)
    }
    // The straight line (onlineCpus alone) overshoots the small boots: misses and a worst error
    // beyond the bound (the count is not a straight line in CPUs).
    const line = o.tried.find((t) => t.terms.join() === 'onlineCpus')!
    expect(line.looFailures).toBeGreaterThan(0)
    expect(line.looWorst).toBeGreaterThan(1)
    // every capture's leave-one-out error is within its bound: worst/bound below 1
    expect(o.tried[0].looWorst).toBeLessThan(1)
    expect(o.tried[0].looFailures).toBe(0)
  })
})

describe('order mix', () => {
  // No extra pages below zero (every call takes a page): test/model/pages.test.ts, at each
  // profile's lower corner and per term beyond it (the base alone may be below its calls).

  it('no GB pages adds order-0 pages only, as the lab measured (+14 calls, +14 pages)', () => {
    const t = listProfiles().find((p) => p.name === 'linux-6.12-before-smp')!.terms.find((x) => x.id === 'noGbPages')!
    expect(t.pages).toBeCloseTo(t.calls, 6)
    expect(Math.abs(t.calls - 14)).toBeLessThan(1.5)
  })
})

describe('calibrate report: an interval of one error', () => {
  it("'from the ... error of 1 capture' for the calls and the pages (was 'errors of 1 captures'); 2 in the plural", () => {
    // The real 2-capture fit, its intervals DERIVED down to one error (intervalFromErrors keeps n 1).
    const o = calibrate(['linux-7.2-pool-c1-m1024', 'linux-7.2-pool-c4-m1024'].map(cap), {nested: false, coverage: false})
    const notes = (n: number) => {
      const v = o.profile.provenance
      const profile = {...o.profile, provenance: {...v, interval: {...v.interval!, n}, pageInterval: {...v.pageInterval!, n}}}
      const rows = calibrationReport({...o, profile}).blocks.flatMap((b) => (b.kind === 'kv' ? b.rows : []))
      return ['90 % interval', 'pages 90 % interval'].map((k) => String(rows.find((r) => r.key === k)?.note))
    }
    const [calls, pages] = notes(1)
    expect(calls).toMatch(/^from the leave-one-shape-out \(or nested, the larger\) error of 1 capture \(an empirical quantile/)
    expect(pages).toMatch(/^from the page model's own leave-one-shape-out error of 1 capture\b/)
    expect(notes(2)).toEqual([expect.stringContaining(' errors of 2 captures (an empirical'), expect.stringContaining(' errors of 2 captures')])
  })
})
