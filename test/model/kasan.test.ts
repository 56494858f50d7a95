// KASAN + kmemleak against the model. Before SMP: the lab's notrack kernel is a KASAN (generic,
// inline) + kmemleak build with the recorder switched off, so its klab untagged calls and pages are
// what a recorder would see; the 7.2 before-SMP profile is fitted on them too, through two KASAN
// terms (a constant and one per possible CPU) that are 0 on every other boot; test/model/fidelity.test.ts
// predicts each leave-one-out. After SMP: the legacylate-kasan boots are 1.25-1.53x the same kernel
// without KASAN, and not in proportion (calls flat from 4 to 8 and from 96 to 128 CPUs: SLUB's
// slab order steps with fls(nr_cpus)), so they have their own profile, which predict picks for a
// KASAN host (lab/README.md, "KASAN after SMP").
import {existsSync, readdirSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {readCaptureFacts} from '../../src/model/capture-facts.js'
import {withinBound} from '../../src/model/calibrate.js'
import {predict} from '../../src/model/predict.js'
import {chooseProfile, loadProfile} from '../../src/model/profile.js'
import {captureDir, LAB_CAPTURES} from '../helpers/paths.js'

const profile = loadProfile('linux-7.2-before-smp')
const boots = [
  captureDir('linux-7.2-notrack-c8-m1024-shrink'),
  ...readdirSync(LAB_CAPTURES).filter((n) => n.startsWith('lab-7.2-notrack-')).map((n) => join(LAB_CAPTURES, n)),
]

describe('a KASAN + kmemleak kernel before SMP, counted by the KASAN terms', () => {
  it('the boots: the corpus notrack sample and the lab notrack boots at 1, 4, 16, 64 CPUs, all in the fit', () => {
    expect(boots.length).toBe(5)
    expect(boots.map((b) => readCaptureFacts(b).host.possibleCpus).sort((a, b) => a - b)).toEqual([1, 4, 8, 16, 64])
    for (const b of boots) expect(profile.provenance.captures.some((c) => b.endsWith(c.capture)), b).toBe(true)
    expect(profile.terms.map((t) => t.id)).toEqual(expect.arrayContaining(['kasan', 'kasanPossibleCpus']))
  })

  for (const b of boots) {
    it(`${b.split('/').at(-1)}: calls and untagged pages within the bound, and predict says KASAN is counted`, () => {
      const f = readCaptureFacts(b)
      expect([f.host.kasan, f.host.kmemleak, f.window, f.klab!.recorded]).toEqual([true, true, 'before-smp', 0])
      const p = predict(f.host, profile, {recorder: f.recorder})
      expect(withinBound(p.events, f.calls!), `predicted ${p.events}, measured ${f.calls}`).toBe(true)
      expect(withinBound(p.kernel!.leftUntaggedPages.value, f.pages!), `pages ${p.kernel!.leftUntaggedPages.value} for ${f.pages}`).toBe(true)
      expect(p.notes.join(' ')).toMatch(/KASAN and kmemleak counted by the profile's KASAN terms \(kasan, kasanPossibleCpus\), fitted on 5 KASAN/)
    })
  }

  it('the KASAN terms add nothing to a host without KASAN', () => {
    const plain = readCaptureFacts(captureDir('linux-7.2-pool-c64-m1024'))
    const p = predict(plain.host, profile)
    const without = predict(plain.host, {...profile, terms: profile.terms.filter((t) => !t.id.startsWith('kasan'))})
    expect(p.events).toBe(without.events)
    expect(p.notes.join(' ')).not.toMatch(/KASAN/)
  })
})

describe('after SMP, KASAN + kmemleak counted by its own profile (the plain one misses it)', () => {
  const late = loadProfile('linux-7.2-after-smp')
  const own = loadProfile('linux-7.2-after-smp-kasan')
  const kasanBoots = readdirSync(LAB_CAPTURES).filter((n) => n.startsWith('lab-7.2-legacylate-kasan-')).map((n) => join(LAB_CAPTURES, n))
  // The same kernel (legacylate) without KASAN at the same CPU counts (lab/captures, in the fit).
  const plainDir = (cpus: number) => join(LAB_CAPTURES, `lab-7.2-legacylate-c${cpus}-m1024`)
  const plain = (cpus: number) => readCaptureFacts(plainDir(cpus)).calls!

  it('the boots: 1 to 128 CPUs at 1 GiB (repeats at 8, 16, 64 and 128), 16 CPUs on 1-4 nodes and 4-16 GiB; all in the KASAN profile, none in the plain one', () => {
    const shapes = kasanBoots.map((b) => readCaptureFacts(b).host).map((h) => `${h.onlineCpus}/${Math.round(h.memoryBytes / 2 ** 30)}/${h.nodes}`)
    expect(shapes.filter((s) => s.endsWith('/1/1')).map((s) => Number(s.split('/')[0])).sort((a, b) => a - b)).toEqual([1, 2, 4, 8, 8, 12, 16, 16, 24, 32, 48, 64, 64, 96, 128, 128])
    expect(shapes.filter((s) => !s.endsWith('/1/1')).sort()).toEqual(['16/16/1', '16/16/4', '16/4/1', '16/4/2'])
    for (const b of kasanBoots) expect(late.provenance.captures.some((c) => b.endsWith(c.capture)), b).toBe(false)
    expect(own.provenance.captures.map((c) => c.capture).sort()).toEqual(kasanBoots.map((b) => b.split('/').at(-1)).sort())
    expect(own.kasan).toBe(true)
    // the step of SLUB's slab order with fls(nr_cpus): calls flat from 4 to 8 and 96 to 128 CPUs
    expect(own.terms.map((t) => t.id)).toEqual(expect.arrayContaining(['perCpuSlabs', 'onlineCpus']))
  })

  it('a KASAN host after SMP gets the KASAN profile, a host without KASAN never does', () => {
    const f = readCaptureFacts(kasanBoots[0])
    expect(chooseProfile(f.host).name).toBe('linux-7.2-after-smp-kasan')
    expect(chooseProfile({...f.host, kasan: false, kmemleak: false}).name).toBe('linux-7.2-after-smp')
    // 6.12 has no KASAN profile: the plain one, whose note says KASAN is not counted
    const old = {...f.host, kernel: '6.12.117'}
    expect(chooseProfile(old).name).toBe('linux-6.12-after-smp')
    expect(predict(old, chooseProfile(old)).notes.join(' ')).toMatch(/NOT counted by profile linux-6\.12-after-smp \(fitted without KASAN\)/)
  })

  it('1.25 to 1.53 times the plain kernel; the plain profile misses each, and the KASAN profile counts it and says so', () => {
    const ratios: number[] = []
    for (const b of kasanBoots) {
      const f = readCaptureFacts(b)
      expect([f.host.kasan, f.host.kmemleak, f.window]).toEqual([true, true, 'after-smp'])
      const oneGiB = f.host.nodes === 1 && Math.round(f.host.memoryBytes / 2 ** 30) === 1
      if (oneGiB && existsSync(plainDir(f.host.onlineCpus))) ratios.push(f.calls! / plain(f.host.onlineCpus))
      const p = predict(f.host, late)
      expect(withinBound(p.events, f.calls!), b).toBe(false)
      expect(p.events).toBeLessThan(f.calls!)
      expect(p.notes.join(' ')).toMatch(/NOT counted by profile linux-7\.2-after-smp .* 1\.25 to 1\.53 times/)
      // in-sample here; leave-one-out in fidelity.test.ts
      const q = predict(f.host, own)
      expect(withinBound(q.events, f.calls!), b).toBe(true)
      expect(q.notes.join(' ')).toMatch(/KASAN and kmemleak counted: profile linux-7\.2-after-smp-kasan is fitted on 20 KASAN \+ kmemleak boots only/)
      expect(predict({...f.host, kasan: false, kmemleak: false}, own).notes.join(' ')).toMatch(/this host has no KASAN: its counts are a KASAN kernel's \(1\.25 to 1\.53 times/)
    }
    // what the notes say, held to the data (two decimals)
    expect(Math.round(Math.min(...ratios) * 100) / 100).toBe(1.25)
    expect(Math.round(Math.max(...ratios) * 100) / 100).toBe(1.53)
  })
})
