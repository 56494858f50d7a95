// Host → events: which window applies, how many events and pages, and who allocates them.
import {describe, expect, it} from 'vitest'
import {withinBound} from '../../src/model/calibrate.js'
import {defaultHost, pageExtWindow} from '../../src/model/host.js'
import {loadProfile} from '../../src/model/profile.js'
import {PHASE_BRINGUP, buildWorkload, expectedCounts} from '../../src/model/workload.js'
import {sweepCpus} from '../../src/model/predict.js'
import {parseInventory} from '../../src/model/inventory.js'
import {plotLines} from '../../src/render/plot.js'
import {plotSvg} from '../../src/render/svg.js'

describe('page_ext window (domain.md §3)', () => {
  it('DEBUG or early_page_ext or no deferral → before SMP; deferred init on a multi-section node → after; compressed → none', () => {
    expect(pageExtWindow({...defaultHost(), debug: true}).window).toBe('before-smp')
    expect(pageExtWindow({...defaultHost(), debug: false}).window).toBe('after-smp')
    expect(pageExtWindow({...defaultHost(), debug: false, earlyPageExt: true}).window).toBe('before-smp')
    expect(pageExtWindow({...defaultHost(), debug: false, deferredInit: false}).window).toBe('before-smp')
    expect(pageExtWindow({...defaultHost(), debug: false, memoryBytes: 64 * 2 ** 20}).window).toBe('before-smp')
    expect(pageExtWindow({...defaultHost(), compressed: true}).window).toBe('none')
  })
})

describe('workload from the shipped profiles', () => {
  const late = loadProfile('linux-7.2-after-smp')
  const early = loadProfile('linux-7.2-before-smp')

  it('before SMP every event is the boot CPU; after SMP the per-online-CPU share spreads over all CPUs', () => {
    const e = buildWorkload({...defaultHost(), possibleCpus: 64, onlineCpus: 64}, early)
    expect(e.nCpus).toBe(1)
    expect(e.cpu.every((c) => c === 0)).toBe(true)
    const h = {...defaultHost(), possibleCpus: 255, onlineCpus: 255, debug: false}
    const l = buildWorkload(h, late)
    expect(l.nCpus).toBe(255)
    expect(l.n).toBe(Math.round(expectedCounts(h, late).calls))
    // the legacylate-c255 boot's klab count (in the fit of 9 boots): close, not exact
    expect(withinBound(l.n, 2892)).toBe(true)
    const perCpu = new Set<number>()
    for (let i = 0; i < l.n; i++) if (l.phase[i] === PHASE_BRINGUP) perCpu.add(l.cpu[i])
    expect(perCpu.size).toBe(255)
  })

  it('pages follow the fitted order mix, and PFNs are aligned to their order', () => {
    const h = {...defaultHost(), possibleCpus: 64, onlineCpus: 64}
    const w = buildWorkload(h, early)
    const exp = expectedCounts(h, early)
    expect(Math.abs(w.pages - exp.pages)).toBeLessThan(2 ** early.maxOrder)
    for (let i = 0; i < w.n; i++) expect(w.pfn[i] % 2 ** w.order[i]).toBe(0)
  })

  it('sweep points: every integer for small ranges, 64 geometric points over 1..8192', () => {
    expect(sweepCpus(1, 5)).toEqual([1, 2, 3, 4, 5])
    const s = sweepCpus(1, 8192, 64)
    expect(s.length).toBe(64)
    expect(s[0]).toBe(1)
    expect(s[63]).toBe(8192)
  })
})

describe('inventory', () => {
  it('parses documented columns, keeps unknown ones, names the line of a bad value', () => {
    const inv = parseInventory('# synthetic\nname,cpus,online_cpus,memory,debug,rack\na,64,8,64G,no,r9\n', 'synthetic.csv')
    expect(inv[0].host).toMatchObject({name: 'a', possibleCpus: 64, onlineCpus: 8, memoryBytes: 64 * 2 ** 30, debug: false})
    expect(inv[0].extra).toEqual({rack: 'r9'})
    expect(() => parseInventory('name,cpus,debug\na,4,maybe\n', 'synthetic.csv')).toThrow(/synthetic.csv:2: column debug: "maybe" is not yes\/no/)
    expect(() => parseInventory('name,memory\na,4G\n', 'synthetic.csv')).toThrow(/no cpus or possible_cpus column/)
  })

  it('a # inside a cell is data, only a # starting a line is a comment (fuzz find)', () => {
    const inv = parseInventory('name,cpus,rack\n# synthetic\nweb#1,8,r#3\n', 'synthetic.csv')
    expect(inv).toHaveLength(1)
    expect(inv[0].host.name).toBe('web#1')
    expect(inv[0].extra).toEqual({rack: 'r#3'})
  })
})

describe('plot and SVG (synthetic curve)', () => {
  const series = [{label: 'synthetic', points: [1, 10, 100, 1000, 8192].map((x) => ({x, y: 50 + 2 * x}))}]
  it('ASCII plot: printable, under 80 columns, with the limit line', () => {
    const lines = plotLines(series, {width: 78, height: 12, ascii: true, limit: {y: 8192, label: 'limit 8192'}, xLabel: 'CPUs', yLabel: 'PFNs'})
    for (const l of lines) {
      expect(l).toMatch(/^[\x20-\x7e]*$/)
      expect(l.length).toBeLessThan(80)
    }
    expect(lines.some((l) => /\|[^|]*-{5,}/.test(l))).toBe(true)
    expect(lines.join('\n')).toMatch(/limit 8192/)
  })
  it('braille plot uses braille cells and the dashed limit', () => {
    const lines = plotLines(series, {width: 60, height: 8, ascii: false, limit: {y: 8192, label: 'limit'}, xLabel: 'CPUs', yLabel: 'PFNs'})
    expect(lines.join('')).toMatch(/[\u2801-\u28ff]/)
    expect(lines.join('')).toMatch(/┄/)
  })
  it('SVG: one polyline per series and the limit line', () => {
    const s = plotSvg(series, {title: 'synthetic <curve>', limit: {y: 8192, label: 'limit'}, xLabel: 'CPUs', yLabel: 'PFNs'})
    expect(s.match(/<polyline /g)!.length).toBe(1)
    expect(s).toMatch(/stroke-dasharray/)
    expect(s).toMatch(/synthetic &lt;curve&gt;/)
  })
})

describe('inventory line numbers', () => {
  it('count comment lines, so the message points at the real line', () => {
    expect(() => parseInventory('# synthetic\n# fleet\nname,cpus\na,4\nb,x\n', 'synthetic.csv')).toThrow(/synthetic.csv:5: column cpus: "x" is not a whole number/)
  })
})
