// From every site's bytes over time to a verdict: is it a leak suspect, and if not, why not.
// A suspect grows steadily: its changes between snapshots rise significantly (signed-rank test,
// src/trend/stats.ts, after the Benjamini–Hochberg correction over all sites), at a Theil–Sen rate
// at or above --min-rate, and none of the shapes that grow without leaking fit clearly better than
// a straight line:
//   churn    growth that returns (a sawtooth: the series falls back by half its range or more
//            and its floor does not rise at --min-rate);
//   step     one jump and flat on either side (a new mount, a new device): a two-level fit leaves
//            less than half the residual of the line;
//   warming  growth that stops (a cache filling up): a rise-then-flat fit whose flat part covers
//            the last quarter or more leaves less than half the residual of the line.
// A leak that starts late is a suspect at its rate since it started: flat, then a rise, fits
// clearly better than the line and than one step. Falling is judged by the same test, other side.
// A module's site that disappears while bytes are still charged to it is the module-unload leak,
// at the end of the series or at a gap (unloaded, then loaded again): each load is its own life,
// its growth judged on the current load's points alone (the fall to a fresh module is no shrinking).
import {inScope, type SiteScope} from '../allocinfo/scope.js'
import {plural} from '../render/units.js'
import {backingOf} from './backing.js'
import {benjaminiHochberg, bestHinge, bestStep, changeTest, effectiveN, type Hinge, hingeResiduals, mannKendall, median, select, sseLine, stepResiduals, theilSen} from './stats.js'
import type {SeriesStore, StoredSite} from './store.js'

export const VERDICTS = ['suspect', 'unload-leak', 'warming', 'step', 'churn', 'below-min-rate', 'not-significant', 'shrinking', 'flat', 'too-few-points', 'no-time-span'] as const
export type Verdict = (typeof VERDICTS)[number]

export interface TrendOptions {
  /** Bytes per hour a suspect must grow at, at least. */
  minRatePerHour: number
  /** Largest Benjamini–Hochberg q-value that counts as a trend. */
  alpha: number
  filter: SiteScope
}

export const DEFAULT_ALPHA = 0.01
/** Default --min-rate: 64 KiB/h. Below it a steady trend is reported as below-min-rate, not a suspect. */
export const DEFAULT_MIN_RATE = 64 * 1024
/** Fewer points than this make no trend. */
export const MIN_POINTS = 6
/** Longer series are binned (medians of equal-count bins) to this many points for the O(n²) fits
 *  (the rate and the shapes; the test reads every change): 5 000 sites × 1 000 snapshots must
 *  take seconds. */
export const FIT_POINTS = 100
/** BIC margin by which a step or rise-then-flat fit must beat the line ("strong" evidence: 6). */
export const SHAPE_BIC_MARGIN = 6
/** At most this many changes that are not significant growth, all or some of them rises, are named
 *  as jumps (a step verdict): too few events for a trend, whatever the snapshots between them. */
export const MAX_JUMPS = 3
const SPARK_POINTS = 24

export interface SiteTrend {
  key: string
  file: string
  lineNo: number
  func: string
  module?: string
  points: number
  firstSeen: string
  lastSeen: string
  /** First seen after the first snapshot (a module loaded, a new code path). */
  appeared: boolean
  /** Absent from the last snapshot. */
  disappeared: boolean
  firstBytes: number
  lastBytes: number
  /** Median of the last tenth of the points minus median of the first tenth. */
  growthBytes: number
  /** Theil–Sen slope, bytes per hour (since the growth started, for a late start); null when there
   *  is no growth to rate (p ≥ alpha) or no time to rate it over, 0 for a flat site. */
  bytesPerHour: number | null
  /** Theil–Sen slope of the live allocations (calls), per hour: suspects only. */
  callsPerHour: number | null
  /** Hours since the first snapshot at which a late leak's growth started. */
  growthStartHours?: number
  /** A module's earlier loads that ended, at an unload, with bytes still charged: each an unload leak. */
  unloads?: Unload[]
  /** Non-zero changes between the site's snapshots, and how many were rises. */
  changes: number
  rises: number
  /** Mann–Kendall S and z of the (binned) levels: descriptive, not the test (stats.ts mannKendall). */
  mkS: number
  mkZ: number
  /** One-sided signed-rank p-value of the changes for growth, and its Benjamini–Hochberg q-value. */
  p: number
  q: number
  /** The same for falling (the other side of the test; q over the same sites). */
  pDown: number
  qDown: number
  anomalies: number
  /** An allocator's backing store (slab pages): what its bytes are (src/trend/backing.ts). */
  backing?: string
  verdict: Verdict
  why: string
  /** Bytes at up to 24 evenly spaced times (null: absent), for the sparkline. */
  spark: (number | null)[]
}

export interface Unload {
  /** Last seen before the unload, with these bytes charged. */
  lastSeen: string
  bytes: number
  /** Seen again (loaded again); absent for the unload that ends the series. */
  reloaded?: string
}

/** A site's unload leaks in time order: its gaps' and, for an unload-leak verdict, the final one. */
export function unloadsOf(s: SiteTrend): Unload[] {
  const last = s.verdict === 'unload-leak' ? [{lastSeen: s.lastSeen, bytes: s.lastBytes}] : []
  return [...(s.unloads ?? []), ...last]
}

export interface TrendResult {
  sites: SiteTrend[]
  /** Suspects, strongest evidence first. */
  suspects: SiteTrend[]
  /** Sites with an unload leak (unloadsOf), the most bytes first. */
  unloadLeaks: SiteTrend[]
  tested: number
}

export function analyseStore(store: SeriesStore, o: TrendOptions): TrendResult {
  const t0 = store.times[0] ?? 0
  const hours = Float64Array.from(store.times, (t) => (t - t0) / 3.6e6)
  const anomalies = new Map<string, number>()
  for (const a of store.anomalies) anomalies.set(a.key, (anomalies.get(a.key) ?? 0) + 1)
  const kept = store.sites.filter((s) => inScope(s, o.filter))
  const partial = kept.map((s) => measure(s, hours, store, anomalies.get(s.key) ?? 0, o.alpha))
  // The correction's family is the sites tested: one that never changed (or has too few points)
  // has no p-value to correct, and counting the hundreds of constant sites of a real dump made a
  // perfect 8-snapshot leak 'not significant' (q = p × 930). Leaving them out is independent
  // filtering (Bourgon et al., PNAS 2010): whether a series varies says nothing of the signs of its
  // changes, so the test's null for the rest is unchanged.
  const tested = partial.filter((x) => x.tested)
  const q = benjaminiHochberg(tested.map((x) => x.trend.p))
  const qDown = benjaminiHochberg(tested.map((x) => x.trend.pDown))
  tested.forEach((x, j) => Object.assign(x.trend, {q: q[j], qDown: qDown[j]}))
  const sites = partial.map((x) => classify(x, o))
  const suspects = sites.filter((s) => s.verdict === 'suspect').sort(byEvidence)
  const most = (s: SiteTrend) => Math.max(...unloadsOf(s).map((u) => u.bytes))
  const unloadLeaks = sites.filter((s) => unloadsOf(s).length > 0).sort((a, b) => most(b) - most(a))
  return {sites, suspects, unloadLeaks, tested: tested.length}
}

/**
 * Strongest first: sites that allocate objects before allocators' backing stores (slab pages grow
 * with the objects on them), then q-values below 1e-12 count as equally certain, then the faster leak.
 */
export function byEvidence(a: SiteTrend, b: SiteTrend): number {
  const backing = Number(a.backing !== undefined) - Number(b.backing !== undefined)
  if (backing !== 0) return backing
  const ea = Math.min(12, -Math.log10(Math.max(a.q, 1e-300)))
  const eb = Math.min(12, -Math.log10(Math.max(b.q, 1e-300)))
  return eb - ea || (b.bytesPerHour ?? 0) - (a.bytesPerHour ?? 0) || (a.key < b.key ? -1 : 1)
}

interface Measured {
  site: StoredSite
  trend: SiteTrend
  hours: Float64Array
  /** Whether the site had a test (enough points, not constant). */
  tested: boolean
  /** Hours from its first present point to its last (0: no rate can be given). */
  span: number
}

function measure(s: StoredSite, hours: Float64Array, store: SeriesStore, anomalies: number, alpha: number): Measured {
  const {x, y} = presentPoints(s, hours, true)
  const trend: SiteTrend = {
    key: s.key, file: s.file, lineNo: s.lineNo, func: s.func, ...(s.module === undefined ? {} : {module: s.module}),
    points: x.length, firstSeen: s.firstTime, lastSeen: s.lastTime,
    appeared: s.firstSnap > 0, disappeared: s.lastSnap < store.snapshots - 1,
    firstBytes: y[0] ?? NaN, lastBytes: s.lastBytes, growthBytes: 0, bytesPerHour: 0, callsPerHour: 0,
    mkS: 0, mkZ: 0, changes: 0, rises: 0, p: 1, q: 1, pDown: 1, qDown: 1, anomalies, ...backingField(s), ...unloadsField(s),
    verdict: 'flat', why: '', spark: spark(s.bytes, store.times.length),
  }
  const span = x.length > 0 ? x[x.length - 1] - x[0] : 0
  const tested = x.length >= MIN_POINTS && !constant(y)
  if (tested) {
    const test = changeTest(y)
    const k = Math.max(1, Math.round(x.length / 10))
    const [bx, by] = bin(x, y)
    const mk = mannKendall(by)
    Object.assign(trend, {mkS: mk.s, mkZ: round(mk.z, 3), changes: test.changes, rises: test.rises, p: test.pUp, pDown: test.pDown, growthBytes: median(y.subarray(y.length - k)) - median(y.subarray(0, k))})
    // The O(n²) slope only where growth is possible (q >= p, so p >= alpha is never one): the
    // rest of thousands of sites need no rate for their verdict.
    trend.bytesPerHour = test.pUp < alpha && span > 0 ? theilSen(bx, by) : null
    trend.callsPerHour = null
  }
  return {site: s, trend, hours, tested, span}
}

let scratchX = new Float64Array(1024)
let scratchY = new Float64Array(1024)

/** The gaps at which the module's earlier loads left bytes charged (one that freed all is no leak). */
function unloadsField(s: StoredSite): {unloads?: Unload[]} {
  const leaks = s.gaps.filter((g) => g.lastBytes > 0).map((g) => ({lastSeen: g.lastTime, bytes: g.lastBytes, reloaded: g.backTime}))
  return leaks.length === 0 ? {} : {unloads: leaks}
}

/** The site's present, non-anomalous points of its current load (store.ts lifeCol); in shared scratch buffers when `scratch` (valid until the next call). */
function presentPoints(s: StoredSite, hours: Float64Array, scratch = false): {x: Float64Array; y: Float64Array; c: Float64Array} {
  const n = hours.length
  const b = s.bytes
  const from = s.lifeCol
  let m = 0
  for (let i = from; i < n; i++) if (b[i] === b[i]) m++ // not NaN
  if (scratch && scratchX.length < m) {
    scratchX = new Float64Array(m)
    scratchY = new Float64Array(m)
  }
  const x = scratch ? scratchX.subarray(0, m) : new Float64Array(m)
  const y = scratch ? scratchY.subarray(0, m) : new Float64Array(m)
  const c = scratch ? new Float64Array(0) : new Float64Array(m)
  for (let i = from, j = 0; i < n; i++) {
    const v = b[i]
    if (v !== v) continue
    x[j] = hours[i]
    y[j] = v
    if (!scratch) c[j] = s.calls[i]
    j++
  }
  return {x, y, c}
}

function constant(y: Float64Array): boolean {
  for (let i = 1; i < y.length; i++) if (y[i] !== y[0]) return false
  return true
}

const binScratch = new Float64Array(64)

/** Medians of FIT_POINTS equal-count bins (series this short are returned as they are). */
export function bin(x: Float64Array, y: Float64Array): [Float64Array, Float64Array] {
  const n = x.length
  if (n <= FIT_POINTS) return [x, y]
  const bx = new Float64Array(FIT_POINTS)
  const by = new Float64Array(FIT_POINTS)
  for (let b = 0; b < FIT_POINTS; b++) {
    const lo = Math.floor((b * n) / FIT_POINTS)
    const hi = Math.floor(((b + 1) * n) / FIT_POINTS)
    // x is in time order: its median is the middle element (the lower one for an even count).
    bx[b] = x[(lo + hi - 1) >> 1]
    by[b] = hi - lo <= binScratch.length ? medianInto(y, lo, hi) : median(y.subarray(lo, hi))
  }
  return [bx, by]
}

function medianInto(y: Float64Array, lo: number, hi: number): number {
  const m = hi - lo
  const a = binScratch.subarray(0, m)
  a.set(y.subarray(lo, hi))
  const h = m >> 1
  if (m % 2 === 1) return select(a, h)
  const top = select(a, h)
  let low = -Infinity
  for (let i = 0; i < h; i++) if (a[i] > low) low = a[i]
  return (low + top) / 2
}

function classify(m: Measured, o: TrendOptions): SiteTrend {
  const t = m.trend
  const [verdict, why] = verdictOf(m, o)
  t.verdict = verdict
  const back = t.unloads?.at(-1)?.reloaded
  t.why = back === undefined ? why : `${why}; judged on the load since ${back}, after ${plural(t.unloads!.length, 'unload leak')}`
  return t
}

function verdictOf(m: Measured, o: TrendOptions): [Verdict, string] {
  const {trend: t, site: s} = m
  if (t.disappeared && s.module !== undefined && s.lastBytes > 0) {
    return ['unload-leak', `module ${s.module}'s site disappeared after ${t.lastSeen} (last seen) with ${s.lastBytes} bytes still charged`]
  }
  if (t.points < MIN_POINTS) return ['too-few-points', `${plural(t.points, 'point')}; a trend needs ${MIN_POINTS}`]
  if (t.changes === 0) return ['flat', 'no trend']
  if (m.span === 0) return ['no-time-span', 'no rate: the snapshots span no time']
  if (t.qDown < o.alpha && t.pDown < t.p) return ['shrinking', `${t.changes - t.rises} of ${t.changes} changes were falls, signed-rank q = ${fmtP(t.qDown)}`]
  if (t.q >= o.alpha || t.bytesPerHour === null) return notSignificant(m, o)
  return growthVerdict(m, o)
}

/** No significant growth: a few jumps up are steps (two jumps are two events, not a trend). */
function notSignificant(m: Measured, o: TrendOptions): [Verdict, string] {
  const t = m.trend
  const q = `signed-rank q = ${fmtP(t.q)} ≥ ${o.alpha} (${t.rises} of ${t.changes} changes were rises)`
  if (t.changes > MAX_JUMPS || t.rises === 0 || t.growthBytes <= 0) return ['not-significant', q]
  const {x, y} = presentPoints(m.site, m.hours)
  const at: string[] = []
  for (let i = 1; i < y.length; i++) if (y[i] > y[i - 1]) at.push(`${round(x[i], 3)} h`)
  return ['step', `${at.length === 1 ? 'one jump' : `${at.length} jumps`} (near ${at.join(', ')}), too few changes for steady growth: ${q}`]
}

/** Significant growth: a suspect unless it is too slow or a shape that grows without leaking. */
function growthVerdict(m: Measured, o: TrendOptions): [Verdict, string] {
  const {trend: t, site: s} = m
  const {x, y, c} = presentPoints(s, m.hours)
  const [bx, by] = bin(x, y)
  const line = sseLine(bx, by)
  const step = bestStep(by)
  const late = lateStart(bx, by, line, step.sse)
  const rate = late?.rate ?? t.bytesPerHour!
  const since = late ? `growth started near ${round(late.hours, 3)} h: ` : ''
  if (rate < o.minRatePerHour) return ['below-min-rate', `${since}${fmtRate(rate)} < --min-rate ${fmtRate(o.minRatePerHour)}`]
  const churn = churnOf(bx, by, o.minRatePerHour)
  if (churn) return ['churn', churn]
  if (!late && shapeWins(line, step.sse, effectiveN(stepResiduals(by, step.at)))) {
    return ['step', `one step near ${isoAt(bx, step.at)} explains it (residual ${ratio(step.sse, line)} of the line's)`]
  }
  // A late start is growth still going: its O(n²) rise-then-flat fit would be thrown away.
  const flat = late ? undefined : bestHinge(bx, by, 'rise-then-flat')
  if (flat && hingeWins(bx, by, line, flat, 'rise-then-flat')) return ['warming', `growth stopped: rise-then-flat leaves ${ratio(flat.sse, line)} of the line's residual`]
  const what = late ? `${since}${fmtRate(rate)} since (${fmtRate(t.bytesPerHour!)} over the window)` : `steady growth: ${fmtRate(rate)}`
  if (late) Object.assign(t, {bytesPerHour: rate, growthStartHours: round(late.hours, 3)})
  t.callsPerHour = theilSen(...bin(x, c))
  const backing = t.backing === undefined ? '' : `; ${t.backing}`
  return ['suspect', `${what}, +${t.growthBytes} B over the window, signed-rank q = ${fmtP(t.q)}${backing}`]
}

/**
 * A leak that started late: flat, then a rise, fits clearly better than the line and than one
 * step (a rise that goes on, not one jump). Its rate is the Theil–Sen slope since the start: the
 * whole window's slope averages in the flat part (a leak that started halfway came out at half
 * its rate, one in the last quarter at 0 B/h, below --min-rate).
 */
function lateStart(bx: Float64Array, by: Float64Array, line: number, step: number): {hours: number; rate: number} | undefined {
  const hinge = bestHinge(bx, by, 'flat-then-rise')
  if (hinge.at < 0 || hinge.sse >= step || !hingeWins(bx, by, line, hinge, 'flat-then-rise')) return undefined
  const rate = theilSen(bx.subarray(hinge.at), by.subarray(hinge.at))
  return rate > 0 ? {hours: bx[hinge.at], rate} : undefined
}

/** Does the hinge fit beat the line, its residuals counted as the independent points they are worth? */
function hingeWins(bx: Float64Array, by: Float64Array, line: number, fit: {sse: number; at: number}, shape: Hinge): boolean {
  return fit.at >= 0 && shapeWins(line, fit.sse, effectiveN(hingeResiduals(bx, by, shape, fit.at)))
}

function backingField(s: StoredSite): {backing?: string} {
  const what = backingOf(s.file, s.func)
  return what === undefined ? {} : {backing: what}
}

/**
 * Growth that returns: the smoothed series falls back by half its range while its floor stays.
 * A floor that rises at --min-rate or more, by more than the noise, is not churn: the cycles ride
 * on a leak (a floor rising 22 % of the range under 4 MB cycles, 300 KiB/h, was called churn).
 */
export function churnOf(x: Float64Array, y: Float64Array, minRatePerHour: number): string | undefined {
  const n = y.length
  const w = Math.max(3, 2 * Math.floor(n / 30) + 1)
  const sm = new Float64Array(n)
  const residual = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    sm[i] = median(y.subarray(Math.max(0, i - (w >> 1)), Math.min(n, i + (w >> 1) + 1)))
    residual[i] = Math.abs(y[i] - sm[i])
  }
  let peak = -Infinity
  let drop = 0
  let lo = Infinity
  let hi = -Infinity
  for (const v of sm) {
    peak = Math.max(peak, v)
    drop = Math.max(drop, peak - v)
    lo = Math.min(lo, v)
    hi = Math.max(hi, v)
  }
  const range = hi - lo
  if (range <= 0 || drop < 0.5 * range) return undefined
  const third = Math.max(1, Math.floor(n / 3))
  const floorRise = Math.min(...sm.subarray(n - third)) - Math.min(...sm.subarray(0, third))
  const steps = Float64Array.from(y.subarray(1), (v, i) => Math.abs(v - y[i]))
  const noise = Math.max(1.4826 * median(residual), median(steps))
  if (floorRise >= 0.5 * range || risingFloor(x, y, third, noise, minRatePerHour)) return undefined
  return `growth returns: falls back by ${Math.round((100 * drop) / range)} % of its range, floor rises ${Math.round((100 * Math.max(0, floorRise)) / range)} %`
}

/** A rising floor counts when it rises by more than this many noise scales. */
const FLOOR_NOISE = 4

/**
 * Does the floor (the lowest point of the first and of the last third: each holds a whole cycle
 * when a cycle is a third of the window or less) rise at minRate, by more than the noise? Its
 * scale: the MAD of what the smoothing took off, or the median change between points if larger
 * (a trough is sampled somewhere within one step of the ramp). The raw lowest points, not the
 * smoothed ones: a running median across a fall lands at a different height for each phase.
 */
function risingFloor(x: Float64Array, y: Float64Array, third: number, noise: number, minRatePerHour: number): boolean {
  const [a, b] = [argMin(y, 0, third), argMin(y, y.length - third, y.length)]
  const rise = y[b] - y[a]
  return rise > FLOOR_NOISE * noise && rise / (x[b] - x[a]) >= minRatePerHour
}

function argMin(a: Float64Array, from: number, to: number): number {
  let k = from
  for (let i = from + 1; i < to; i++) if (a[i] < a[k]) k = i
  return k
}

function spark(bytes: Float64Array, columns: number): (number | null)[] {
  const out: (number | null)[] = []
  const k = Math.min(SPARK_POINTS, columns)
  for (let i = 0; i < k; i++) {
    const v = bytes[Math.round(((columns - 1) * i) / Math.max(1, k - 1))]
    out.push(Number.isNaN(v) ? null : v)
  }
  return out
}

/**
 * Does a shape with two more parameters (a change point and a level or slope) explain the series
 * better than the line? Gaussian BIC: n·ln(SSE_line / SSE_shape) against 2·ln n plus a margin, so
 * that a straight line in noise (where a searched change point always gains a little) stays a line.
 * n is the shape's residuals' effective count (stats.ts effectiveN), not the points.
 */
export function shapeWins(sseLineV: number, sseShape: number, n: number): boolean {
  if (sseShape <= 0) return sseLineV > 0
  if (sseLineV <= 0) return false
  return n * Math.log(sseLineV / sseShape) > 2 * Math.log(Math.max(1, n)) + SHAPE_BIC_MARGIN
}

function isoAt(bx: Float64Array, binIndex: number): string {
  return `${round(bx[Math.max(0, binIndex + 1)] ?? NaN, 3)} h`
}

const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d
const ratio = (a: number, b: number) => `${Math.round((100 * a) / Math.max(b, 1e-300))} %`
export const fmtP = (p: number) => (p < 1e-4 ? p.toExponential(1) : p.toPrecision(2))
export function fmtRate(bph: number): string {
  const a = Math.abs(bph)
  const u = a >= 2 ** 30 ? [2 ** 30, 'GiB'] : a >= 2 ** 20 ? [2 ** 20, 'MiB'] : a >= 1024 ? [1024, 'KiB'] : [1, 'B']
  const v = bph / (u[0] as number)
  return `${Math.abs(v) >= 100 || u[1] === 'B' ? v.toFixed(0) : v.toFixed(1)} ${u[1]}/h`
}
