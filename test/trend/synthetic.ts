// SYNTHETIC series for the trend tests: named as such, never presented as captures. Each site's
// bytes are given per snapshot (null = absent); the store is filled through the recording's
// DeltaEncoder, as `trend` fills it from plain snapshot files.
import {mulberry32} from '../../src/model/prng.js'
import {DeltaEncoder} from '../../src/trend/recording.js'
import {SeriesStore} from '../../src/trend/store.js'
import type {AllocInfo, AllocSite} from '../../src/types.js'

export interface SynthSite {
  file: string
  line: number
  func: string
  module?: string
  bytes: (number | null)[]
}

/** A small seeded PRNG (the model's mulberry32), so every synthetic series is reproducible. */
export const rng = mulberry32

/** Standard normal from two uniforms (Box–Muller). */
export function gauss(r: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r())
}

export function synthInfo(sites: SynthSite[], i: number): AllocInfo {
  const list: AllocSite[] = []
  for (const s of sites) {
    const b = s.bytes[i]
    if (b === null || b === undefined) continue
    const key = `${s.file}:${s.line} ${s.func}${s.module ? ` [${s.module}]` : ''}`
    const site: AllocSite = {key, file: s.file, lineNo: s.line, func: s.func, bytes: BigInt(Math.round(b)), calls: BigInt(Math.max(0, Math.round(b / 64))), accurate: true, count: 1, lines: [1]}
    if (s.module) site.module = s.module
    list.push(site)
  }
  return {source: 'synthetic', version: '2.0', sites: list, totalBytes: 0n, totalCalls: 0n, anomalies: [], anomalyCounts: {}, skipped: [], skippedTotal: 0, skippedByReason: {}, lines: list.length}
}

/** A store of `n` snapshots `stepS` seconds apart. */
export function synthStore(sites: SynthSite[], n: number, stepS = 60, maxColumns?: number): SeriesStore {
  const store = new SeriesStore(maxColumns)
  const enc = new DeltaEncoder()
  const t0 = Date.parse('2026-01-01T00:00:00Z')
  for (let i = 0; i < n; i++) store.apply(enc.encode(synthInfo(sites, i), {time: new Date(t0 + i * stepS * 1000)}), 'synthetic')
  store.finish()
  return store
}

export const site = (name: string, bytes: (number | null)[], module?: string): SynthSite => ({file: `synthetic/${name}.c`, line: 1, func: name, bytes, ...(module ? {module} : {})})

/** Shapes, level L, noise sd = noise·L, over n points. */
export const shapes = {
  leak: (r: () => number, n: number, L: number, noise: number, growth: number) => Array.from({length: n}, (_, i) => L + (growth * i) / (n - 1) + gauss(r) * noise * L),
  /** A leak as bytes in use are: a running total, each step the drift plus alloc/free noise of sd spread·drift. */
  runningLeak: (r: () => number, n: number, L: number, drift: number, spread: number) => {
    const out = [L]
    for (let i = 1; i < n; i++) out.push(out[i - 1]! + drift + gauss(r) * spread * drift)
    return out
  },
  noise: (r: () => number, n: number, L: number, noise: number) => Array.from({length: n}, () => L + gauss(r) * noise * L),
  plateau: (r: () => number, n: number, L: number, noise: number, growth: number, stopAt: number) =>
    Array.from({length: n}, (_, i) => L + growth * Math.min(1, i / (stopAt * (n - 1))) + gauss(r) * noise * L),
  step: (r: () => number, n: number, L: number, noise: number, jump: number, at: number) => Array.from({length: n}, (_, i) => L + (i >= at * n ? jump : 0) + gauss(r) * noise * L),
  sawtooth: (r: () => number, n: number, L: number, noise: number, amp: number, period: number) => Array.from({length: n}, (_, i) => L + amp * ((i % period) / period) + gauss(r) * noise * L),
}
