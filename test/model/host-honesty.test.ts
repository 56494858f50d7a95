// What a prediction may claim about a host: nothing counted where the kernel has no early window
// (compressed mode), the kernel series not assumed when it is unknown, every fact a term depends on
// range-checked, and no host the predicted pages could not fit in. SYNTHETIC hosts on the shipped profiles.
import {describe, expect, it} from 'vitest'
import {defaultHost, type Host} from '../../src/model/host.js'
import {predict} from '../../src/model/predict.js'
import {listProfiles, loadProfile} from '../../src/model/profile.js'
import {checkedFacts} from '../../src/model/terms.js'
import {PREDICT_FLAGS, predictRun} from '../helpers/predict-flags.js'

const host = (h: Partial<Host>): Host => ({...defaultHost(), ...h})
const out = {format: 'text', width: 80}
const zero = {value: 0, low: 0, high: 0}

describe('compressed mode: no page_ext, no recorder, every count exactly 0', () => {
  it('the recorder is none (why: compressed), even a pool kernel\'s; no interval drawn around 0', () => {
    const p = predict(host({possibleCpus: 4, onlineCpus: 4, kernel: '7.2.13', compressed: true}), loadProfile('linux-7.2-before-smp'), {recorder: 'pool', recorderReason: 'given'})
    expect(p.window).toBe('none')
    expect(p.recorder).toBe('none')
    expect(p.recorderReason).toMatch(/^compressed mode .*early-PFN recorder is skipped, though the kernel has the pool recorder's code/)
    expect([p.calls, p.pagesInterval]).toEqual([zero, zero])
    expect(p.kernel).toEqual({recorded: zero, leftUntaggedCalls: zero, leftUntaggedPages: zero, wouldWarnIfFreedPages: zero})
    expect(p.uncertainty.missing).toMatch(/no early window/)
  })
  it('predict --compressed --kernel 7.2.13: recorder none, 0 not "0 (0-4)"', async () => {
    const run = await predictRun({...PREDICT_FLAGS, cpus: 4, kernel: '7.2.13', compressed: true}, out)
    const r = run.result as ReturnType<typeof predict>
    expect(r.recorder).toBe('none')
    expect(r.kernel!.recorded).toEqual(zero)
    expect(r.pagesInterval).toEqual(zero)
  })
})

describe('the fitted range checks every fact a term depends on (terms.ts facts)', () => {
  const ex = (h: Partial<Host>, profile: string) => predict(host(h), loadProfile(profile)).uncertainty
  it('after SMP every boot had possible = online: 255 possible, 1 online is outside (perCpuSlabs counts possible CPUs)', () => {
    const u = ex({possibleCpus: 255, onlineCpus: 1, debug: false, kernel: '7.2.13'}, 'linux-7.2-after-smp')
    expect(u.extrapolation).toEqual(['possible CPUs per online CPU 255 is above the largest calibrated (1), 255× beyond it'])
    expect(u.widen).toBeCloseTo(1 + Math.log2(255), 2)
    // Before SMP online CPUs count for nothing: the same host is not outside for them.
    expect(ex({possibleCpus: 255, onlineCpus: 1, kernel: '7.2.13'}, 'linux-7.2-before-smp').extrapolation).toEqual([])
  })
  it('the KASAN terms were fitted on KASAN boots of at most 64 CPUs: a 255-CPU KASAN host is outside', () => {
    const u = ex({possibleCpus: 255, onlineCpus: 255, kasan: true, kmemleak: true, kernel: '7.2.13'}, 'linux-7.2-before-smp')
    expect(u.extrapolation).toEqual(['possible CPUs with KASAN 255 is above the largest calibrated (64), 3.98× beyond it'])
    expect(ex({possibleCpus: 255, onlineCpus: 255, kernel: '7.2.13'}, 'linux-7.2-before-smp').extrapolation).toEqual([])
    // A profile fitted without any KASAN boot: KASAN itself is outside.
    expect(ex({possibleCpus: 4, onlineCpus: 4, kasan: true, kernel: '6.12'}, 'linux-6.12-before-smp').extrapolation).toEqual(['KASAN: yes, where every calibrated boot had no'])
  })
  it('64 KiB pages and 32-bit words are outside the 4 KiB, 64-bit builds every profile was fitted on', () => {
    const page = ex({possibleCpus: 4, onlineCpus: 4, pageSize: 65536, kernel: '7.2.13'}, 'linux-7.2-before-smp')
    expect(page.extrapolation).toEqual(['page size 64 KiB is above the largest calibrated (4 KiB), 16× beyond it'])
    expect(page.widen).toBe(5)
    const word = ex({possibleCpus: 4, onlineCpus: 4, wordBytes: 4, kernel: '7.2.13'}, 'linux-7.2-before-smp')
    expect(word.extrapolation).toEqual(['word bits 32 is below the smallest calibrated (64), 2× below it'])
    expect(word.widen).toBe(2)
  })
  it('a ZONE_NORMAL no 6.12 boot after SMP had is outside (normalZone was stored, never checked)', () => {
    const u = ex({possibleCpus: 4, onlineCpus: 4, debug: false, normalZone: true, kernel: '6.12'}, 'linux-6.12-after-smp')
    expect(u.extrapolation).toEqual(['a ZONE_NORMAL (memory above 4 GiB): yes, where every calibrated boot had no'])
    expect(u.widen).toBe(2)
  })
  it('every shipped profile stores a span for each fact its window is checked on', () => {
    for (const p of listProfiles()) {
      for (const f of checkedFacts(p.window, p.terms.map((t) => t.id))) {
        // A KASAN CPU count exists only where some boot had KASAN; else KASAN itself is never-fitted.
        if (f === 'kasanPossibleCpus' && p.range!.facts!.kasan![1] === 0) continue
        expect(p.range!.facts![f], `${p.name} ${f}`).toBeDefined()
      }
    }
  })
  it('the shipped inventory\'s maxcpus-host (128 possible, 8 online, after SMP) is widened', async () => {
    const run = await predictRun({...PREDICT_FLAGS, possible: 128, online: 8, memory: '64G', debug: false, kernel: '7.2.13'}, out)
    const r = run.result as ReturnType<typeof predict>
    expect(r.uncertainty.extrapolation.join('; ')).toMatch(/possible CPUs per online CPU 16 is above the largest calibrated \(1\)/)
  })
})

describe('no kernel known: not silently the newest series', () => {
  it('predict --cpus 64 --no-debug: a warning, widened ×2, and the interval covers 6.12\'s 1950 (1740-2160)', async () => {
    const run = await predictRun({...PREDICT_FLAGS, cpus: 64, debug: false}, out)
    const r = run.result as ReturnType<typeof predict>
    expect(run.warnings.join('\n')).toMatch(/^kernel not known \(give --kernel.*using linux-7\.2-after-smp.*also cover the 6\.12 series/m)
    expect(r.uncertainty.widen).toBe(2)
    expect(r.calls.value).toBe(950)
    expect(r.calls.low).toBeLessThanOrEqual(1740)
    expect(r.calls.high).toBeGreaterThanOrEqual(2160)
    // Given, the kernel's own series alone: its shipped new-host interval (q 1.0893 of the bound).
    const known = await predictRun({...PREDICT_FLAGS, cpus: 64, debug: false, kernel: '7.2.13'}, out)
    expect((known.result as ReturnType<typeof predict>).calls).toEqual({value: 950, low: 846, high: 1054})
  })
  it('DEBUG, --cpus 4: 78 covering 6.12\'s 61 (59-63); an inventory row without a kernel too', async () => {
    const run = await predictRun({...PREDICT_FLAGS, cpus: 4}, out)
    const r = run.result as ReturnType<typeof predict>
    expect([r.calls.value, r.calls.low <= 59, r.calls.high >= 82]).toEqual([78, true, true])
    const {predictHostRow} = await import('../../src/model/fleet.js')
    const row = predictHostRow({host: host({possibleCpus: 4, onlineCpus: 4}), row: 1, extra: {}} as never, {}).row
    expect([row.widened, row.eventsLow <= 59]).toEqual([2, true])
    expect(row.notes.join(' ')).toMatch(/kernel not known/)
  })
})

describe('a host no boot can be is warned of (SYNTHETIC hosts)', () => {
  it('--cpus 8191 --no-debug on 1 GiB: more early pages than memory is a warning, in JSON too', async () => {
    const run = await predictRun({...PREDICT_FLAGS, cpus: 8191, debug: false, kernel: '7.2.13'}, out)
    const r = run.result as ReturnType<typeof predict>
    expect(r.warnings).toEqual([expect.stringMatching(/^the predicted early pages \(417307\) exceed the host's memory \(262144 pages of 4 KiB\)/)])
    expect(run.warnings).toContain(r.warnings[0])
    expect(predict(host({possibleCpus: 64, onlineCpus: 64, kernel: '7.2.13'}), loadProfile('linux-7.2-before-smp')).warnings).toEqual([])
  })
  it('1024 nodes on 1 GiB: 1 MiB per node, below one memory section, is a warning naming the minimum', () => {
    const p = predict(host({possibleCpus: 64, onlineCpus: 64, nodes: 1024, kernel: '7.2.13'}), loadProfile('linux-7.2-before-smp'))
    expect(p.warnings).toEqual(['1024 NUMA nodes share 1024 MiB: 1 MiB per node, below the 128 MiB (one memory section) per node the model supports'])
  })
  it("one node of 64 MiB: 'the one NUMA node has 64 MiB, below the 128 MiB' (was '1 NUMA nodes share 64 MiB: 64 MiB per node')", () => {
    const p = predict(host({possibleCpus: 1, onlineCpus: 1, nodes: 1, memoryBytes: 64 * 2 ** 20, kernel: '7.2.13'}), loadProfile('linux-7.2-before-smp'))
    expect(p.warnings).toEqual(['the one NUMA node has 64 MiB, below the 128 MiB (one memory section) per node the model supports'])
  })
})
