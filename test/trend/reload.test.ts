// A module unloaded and loaded again: its sites vanish from /proc/allocinfo for a while and come
// back small. Each gap is an unload (a leak when bytes were still charged at the last sight before
// it), and the site's growth is judged on its current load alone. SYNTHETIC series throughout
// (test/trend/synthetic.ts); the real unload series (one unload, no reload) is in lab-series.
import {describe, expect, it} from 'vitest'
import {analyseStore} from '../../src/trend/analyse.js'
import {unloadLeaks} from '../../src/trend/report.js'
import type {Finding} from '../../src/types.js'
import {site, synthStore} from './synthetic.js'

const opts = {minRatePerHour: 65536, alpha: 0.01, filter: {}}
const base = site('base', Array.from({length: 20}, () => 100_000))
/** The review's reload series: +100 kB per 10 min for 8 snapshots, gone 2, back at 5 kB growing 100 B. */
const reload = (i: number) => (i < 8 ? 1_000_000 + 100_000 * i : i < 10 ? null : 5000 + 100 * i)
const at = (i: number) => new Date(Date.UTC(2026, 0, 1) + i * 600_000).toISOString()

describe('trend: a module unloaded and loaded again', () => {
  it('SYNTHETIC: the gap is an unload leak with the bytes last seen before it; the reload is a new life, not shrinking', () => {
    const store = synthStore([base, site('x', Array.from({length: 20}, (_, i) => reload(i)), 'mymod')], 20, 600)
    const res = analyseStore(store, opts)
    const x = res.sites.find((s) => s.module === 'mymod')!
    // Was 'shrinking' (the fall to the fresh module's 6 kB) with no unload leak.
    expect(x.verdict).toBe('below-min-rate')
    expect([x.points, x.firstBytes, x.lastBytes]).toEqual([10, 6000, 6900])
    expect(x.unloads).toEqual([{lastSeen: at(7), bytes: 1_700_000, reloaded: at(10)}])
    expect(res.unloadLeaks).toEqual([x])
    expect(unloadLeaks(res.unloadLeaks, undefined).map((u) => [u.bytes, u.lastSeen])).toEqual([[1_700_000, at(7)]])
  })

  it('SYNTHETIC: every gap is an unload, one that freed everything is no leak; the log messages match the unloads in order', () => {
    // Leaks at 5, frees all before the gap at 12, unloaded at the end with 3 kB charged.
    const v = (i: number) => (i < 5 ? 1000 * (i + 1) : i === 5 || (i >= 11 && i <= 12) || i === 19 ? null : i < 11 ? (i === 10 ? 0 : 2000) : 3000)
    const store = synthStore([base, site('y', Array.from({length: 20}, (_, i) => v(i)), 'mymod')], 20, 600)
    const res = analyseStore(store, opts)
    const y = res.sites.find((s) => s.module === 'mymod')!
    expect(y.verdict).toBe('unload-leak')
    expect(y.unloads).toEqual([{lastSeen: at(4), bytes: 5000, reloaded: at(6)}])
    const msg = (bytes: number, line: number): Finding => ({id: 'module-unload-leak', line, text: 'msg', data: {file: 'synthetic/y.c', fileLine: 1, module: 'mymod', func: 'y', bytes}}) as unknown as Finding
    const rows = unloadLeaks(res.unloadLeaks, [msg(5000, 10), msg(3000, 20)])
    expect(rows.map((r) => [r.bytes, r.lastSeen, r.log?.line, r.confirmed])).toEqual([[5000, at(4), 10, true], [3000, at(18), 20, true]])
  })

  it('SYNTHETIC: a site outside a module that vanishes and comes back is one series, no unload', () => {
    const store = synthStore([base, site('z', Array.from({length: 20}, (_, i) => reload(i)))], 20, 600)
    const res = analyseStore(store, opts)
    const z = res.sites.find((s) => s.func === 'z')!
    expect([z.points, z.unloads, res.unloadLeaks]).toEqual([18, undefined, []])
  })

  it('SYNTHETIC: with columns thinned, the current load starts at the first column kept after the reload', () => {
    // 100 snapshots into 16 columns (every 8th kept); gone at 41-42, back at 43: columns 48, 56, ... 96, 99.
    const w = (i: number) => (i < 41 ? 1_000_000 + 100_000 * i : i < 43 ? null : 5000 + 100 * i)
    const store = synthStore([site('b', Array.from({length: 100}, () => 1)), site('w', Array.from({length: 100}, (_, i) => w(i)), 'mymod')], 100, 600, 16)
    const x = analyseStore(store, opts).sites.find((s) => s.module === 'mymod')!
    expect([x.points, x.firstBytes, x.unloads?.length]).toEqual([8, 5000 + 100 * 48, 1])
  })
})
