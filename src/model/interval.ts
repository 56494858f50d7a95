// Prediction intervals from the fit's own cross-validation, and the range a profile was fitted on.
//
// What the interval claims is the error on a new host, so it is made of errors on hosts the fit
// did not see. Each capture of a profile is predicted twice without it: with every capture of its
// host shape left out (leave-one-shape-out: repeated boots of one shape are twins, and leaving one
// out while its twins stay in measures repeatability, not a new host), and with the term choice
// redone without it (nested: terms chosen on all the data have seen the capture). Its error is the
// larger of the two (the one available, with --terms no nested; only when neither exists the
// plain leave-one-capture-out error), measured in units of the accuracy bound at the predicted
// value (max(10 %, 8 PFNs)), so that counts of 60 and of 13 000 share one scale. The half-width
// is the ceil(0.9 (n + 1))-th smallest of those n errors, times the bound at the predicted value.
// That is an empirical quantile, not split-conformal: the errors come from n different refits, not
// one held-out set, and no coverage is guaranteed (for the plain leave-one-out errors around the
// full fit, the jackknife, none is; jackknife+ would guarantee only 1 - 2 x 0.1 = 80 %). What it
// holds is measured: calibrate's coverage (each capture's shape left out, the interval remade from
// the other shapes' errors) and test/model/fidelity.test.ts. Outside the fitted range the
// half-width is widened (extrapolation()), a stated rule.
import type {Host} from './host.js'
import {hasNormalZone} from './host.js'
import {RANGE_FACTS, type RangeFact} from './terms.js'
import {toleranceFor} from './tolerance.js'

/** A predicted count with its 90 % interval. */
export interface Interval {
  value: number
  low: number
  high: number
}

export const INTERVAL_LEVEL = 0.9

/** The accuracy bound at a count (tolerance.ts): the unit errors are measured in. */
export function boundAt(v: number): number {
  return toleranceFor(v)
}

/** Cross-validated error of one capture in bound units: |predicted − measured| / bound(predicted). */
export function boundError(predicted: number, measured: number): number {
  return Math.abs(predicted - measured) / boundAt(predicted)
}

export interface ProfileInterval {
  level: number
  /** Half-width in bound units (max(10 %, 8) at the predicted value). */
  q: number
  /** Captures whose errors gave q. */
  n: number
  /** q is the largest error seen, not a quantile: too few captures for the level (n < 9 at 90 %). */
  fewCaptures: boolean
  /**
   * The errors q is made of: 'new-host' (each capture's larger of the leave-one-shape-out and the
   * nested error, as calibrate makes it now); absent in profiles made before, whose q came from the
   * plain leave-one-capture-out errors.
   */
  errors?: 'new-host'
}

/**
 * What an interval's half-width was made of, for the reports: the calls' new-host errors are the
 * larger of the leave-one-shape-out and nested ones; the pages' (calibrate's fitPages) have no
 * nested redo, only the shape left out.
 */
export function intervalErrorsText(iv: Pick<ProfileInterval, 'errors'> | undefined, of: 'calls' | 'pages' = 'calls'): string {
  if (iv?.errors !== 'new-host') return 'leave-one-capture-out'
  return of === 'pages' ? 'leave-one-shape-out' : 'leave-one-shape-out (or nested, the larger)'
}

/**
 * A capture's error for the interval (bound units): the larger of its leave-one-shape-out and
 * nested errors, whichever exist; the plain leave-one-out error only when neither does.
 */
export function newHostError(measured: number, p: {loo?: number; loco?: number; nested?: number}): number | undefined {
  const out = [p.loco, p.nested].filter((v): v is number => v !== undefined).map((v) => boundError(v, measured))
  if (out.length) return Math.max(...out)
  return p.loo === undefined ? undefined : boundError(p.loo, measured)
}

/** The ceil(level (n + 1))-th smallest of the errors (bound units): an empirical quantile, no guarantee. */
export function intervalFromErrors(errors: number[], level = INTERVAL_LEVEL, kind?: ProfileInterval['errors']): ProfileInterval | undefined {
  const e = errors.filter(Number.isFinite).sort((a, b) => a - b)
  if (e.length === 0) return undefined
  const k = Math.ceil(level * (e.length + 1))
  const few = k > e.length
  // With too few captures the quantile is beyond the largest error seen: take that, widened by
  // half, and say so.
  const q = few ? 1.5 * e[e.length - 1] : e[k - 1]
  return {level, q: Math.round(q * 1e4) / 1e4, n: e.length, fewCaptures: few, ...(kind ? {errors: kind} : {})}
}

export function interval(value: number, q: number, widen = 1): Interval {
  const h = q * widen * boundAt(value)
  return {value, low: Math.max(0, Math.floor(value - h)), high: Math.ceil(value + h)}
}

/** The host facts a profile's captures spanned. */
export interface FittedRange {
  /** Online CPUs after SMP, possible CPUs before (what the window's terms count): shown by calibrate. */
  cpuKind: 'online' | 'possible'
  cpus: [number, number]
  memoryBytes: [number, number]
  nodes: [number, number]
  normalZone: boolean[]
  /**
   * Every range fact's span over the captures (terms.ts RANGE_FACTS; a yes/no fact as 0-1): what
   * extrapolation() checks, each fact the profile's window's terms depend on. Absent in a profile
   * calibrated before it: the four facts above stand in.
   */
  facts?: Partial<Record<RangeFact, [number, number]>>
}

export function fittedRange(hosts: Host[], cpuKind: FittedRange['cpuKind']): FittedRange {
  const span = (f: (h: Host) => number): [number, number] => [Math.min(...hosts.map(f)), Math.max(...hosts.map(f))]
  const facts: Partial<Record<RangeFact, [number, number]>> = {}
  for (const [id, def] of Object.entries(RANGE_FACTS) as [RangeFact, (typeof RANGE_FACTS)[RangeFact]][]) {
    const vs = hosts.map(def.of).filter((v): v is number => v !== undefined)
    if (vs.length) facts[id] = [Math.min(...vs), Math.max(...vs)]
  }
  return {
    cpuKind,
    cpus: span((h) => (cpuKind === 'online' ? h.onlineCpus : h.possibleCpus)),
    memoryBytes: span((h) => h.memoryBytes),
    nodes: span((h) => h.nodes),
    normalZone: [...new Set(hosts.map((h) => hasNormalZone(h)))].sort(),
    facts,
  }
}

/** A fact's span: the range's own, else (a profile calibrated before facts were stored) the old fields'. */
function spanOf(range: FittedRange, f: RangeFact): [number, number] | undefined {
  if (range.facts) return range.facts[f]
  if (f === (range.cpuKind === 'online' ? 'onlineCpus' : 'possibleCpus')) return range.cpus
  if (f === 'memoryBytes' || f === 'nodes') return range[f]
  if (f === 'normalZone') return [Number(range.normalZone[0] ?? false), Number(range.normalZone.at(-1) ?? false)]
  return undefined
}

export interface Extrapolation {
  /** One line per fact outside the range: what, how far. */
  outside: string[]
  /** Factor applied to the interval's half-width. */
  widen: number
}

/** What a host is checked against: the profile's kernel series (is the host's one of it?) and the facts its window's terms depend on (terms.ts checkedFacts). */
export interface RangeCheck {
  kernelMatches: boolean
  profileKernel: string
  facts: readonly RangeFact[]
}

/**
 * How far a host lies outside the fitted range. The widening is a stated rule, not a fit: the
 * half-width grows by 1 + log2(ratio) per fact outside (ratio = the host's value over the nearest
 * end of the range: twice the largest calibrated CPU count doubles it), doubles for a yes/no fact
 * no fitted boot had (KASAN on a profile fitted without it), once per group of facts that move
 * together (the furthest: CPU counts, memory), and doubles for a kernel series the profile was not
 * fitted on.
 */
export function extrapolation(host: Host, range: FittedRange | undefined, check: RangeCheck): Extrapolation {
  const outside: string[] = []
  let widen = 1
  if (!check.kernelMatches) {
    outside.push(
      host.kernel === undefined
        ? `kernel not known: the profile's ${check.profileKernel} series is assumed, and the kernel may be another`
        : `kernel ${host.kernel} is not the ${check.profileKernel} series the profile was fitted on`,
    )
    widen *= 2
  }
  if (!range) return {outside, widen}
  // Per group of facts that move together (terms.ts RangeFactDef.group), the furthest one's widening.
  const groups = new Map<string, number>()
  for (const f of check.facts) {
    const v = RANGE_FACTS[f].of(host)
    const span = spanOf(range, f)
    const out = v === undefined || span === undefined ? undefined : outsideBy(f, v, span)
    if (!out) continue
    outside.push(out.text)
    const g = RANGE_FACTS[f].group ?? f
    groups.set(g, Math.max(groups.get(g) ?? 1, out.widen))
  }
  for (const w of groups.values()) widen *= w
  return {outside, widen: Math.round(widen * 1000) / 1000}
}

/** How far one fact's value lies outside its span (undefined: inside), and the widening that gives. */
function outsideBy(f: RangeFact, v: number, [lo, hi]: [number, number]): {text: string; widen: number} | undefined {
  const def = RANGE_FACTS[f]
  if (f === 'memoryBytes' ? withinMemoryRange(v, [lo, hi]) : v >= lo && v <= hi) return undefined
  const yes = (x: number) => (x ? 'yes' : 'no')
  if (def.flag) return {text: `${def.label}: ${yes(v)}, where every calibrated boot had ${yes(lo)}`, widen: 2}
  const fmt = def.unit === 'bytes' ? memoryText : trim
  const ratio = v > hi ? v / hi : lo / v
  // Near 1 the ratio keeps three decimals: "1× beyond" said nothing of 1 GiB against 1023 MiB.
  const how = `${ratio < 1.1 ? ratio.toFixed(3) : trim(ratio)}× ${v > hi ? 'beyond' : 'below'} it`
  return {text: `${def.label} ${fmt(v)} is ${v > hi ? 'above the largest' : 'below the smallest'} calibrated (${fmt(v > hi ? hi : lo)}), ${how}`, widen: 1 + Math.log2(ratio)}
}

/**
 * The memory a profile's captures span is what their kernels reported (the `Memory:` line's total:
 * 1023.49 MiB on the lab's 1 GiB VMs), a host's from flags or an inventory the RAM configured, which
 * the kernel reports up to a few percent smaller (the first MiB, firmware-reserved ranges). A
 * memory within MEMORY_REPORT_SLACK of the range's ends is inside: `--memory 1G` against a largest
 * calibrated 1023.49 MiB was "outside, 1.000× beyond it". A stated tolerance, not a fit.
 */
export const MEMORY_REPORT_SLACK = 0.03

export function withinMemoryRange(bytes: number, [lo, hi]: [number, number]): boolean {
  return bytes >= lo * (1 - MEMORY_REPORT_SLACK) && bytes <= hi / (1 - MEMORY_REPORT_SLACK)
}

/** GiB when whole (or large), else MiB: 1023 MiB is not shown as "1 GiB" beside 1 GiB. */
const memoryText = (b: number): string => (b < 2 ** 20 ? `${trim(b / 2 ** 10)} KiB` : b % 2 ** 30 === 0 || b >= 64 * 2 ** 30 ? `${trim(b / 2 ** 30)} GiB` : `${trim(b / 2 ** 20)} MiB`)

function trim(x: number): string {
  return String(Math.round(x * 100) / 100)
}
