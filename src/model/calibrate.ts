// Fitting a profile from captures: least squares of the early call count (and page count, for the
// order mix) on the profile terms, with R², residuals and leave-one-out. Terms are chosen by
// leave-one-out error among the candidates for the window ("auto"), or given explicitly; a term
// the captures cannot determine (constant, or a combination of the others) is refused, never
// given an arbitrary coefficient.
import {InputError} from '../errors.js'
import {plural} from '../render/units.js'
import type {CaptureFacts} from './capture-facts.js'
import {type LooPoint, dot, lstsq, nnls, rSquared, tooFewLeft} from './fit.js'
import type {Window} from './host.js'
import {type FittedRange, type ProfileInterval, boundError, extrapolation, fittedRange, interval, intervalFromErrors, newHostError} from './interval.js'
import {PROFILE_SCHEMA, type Profile, type ProvenancePoint} from './profile.js'
import {fitAllocLatency, raceBoots} from './race-latency.js'
import {KMALLOC_SIZES} from './slab.js'
import {CANDIDATES, TERM_IDS, type TermId, type TermParams, checkedFacts, term} from './terms.js'
import {TOLERANCE_LABEL, toleranceFor, withinTolerance} from './tolerance.js'

/** Candidate terms per window (base is always in). */
const CPU_TERMS: TermId[] = ['possibleCpus', 'log2PossibleCpus', 'perCpuSlabs', 'onlineCpus', 'log2OnlineCpus', 'onlineCpusLog2Memory', 'pow2PossibleCpus']
/** Only for asking whether a term varies over the captures (any size class shows the same steps). */
const PROBE_PARAMS: TermParams = {slabObjectBytes: 512}

/** Accuracy asked of the model (tolerance.ts): the name the fit and its tests use. */
export const withinBound = (predicted: number, measured: number): boolean => withinTolerance(predicted, measured)

export interface CalibrateOptions {
  name?: string
  /** Explicit terms (base is added); default: chosen by leave-one-out. */
  terms?: TermId[]
  created?: string
  /** Compute the nested leave-one-out (term selection redone in every fold); default true. */
  nested?: boolean
  /** Explicit terms for the pages (base is added); default: --terms, else chosen by leave-one-out. */
  pageTerms?: TermId[]
  /** Fit the pool race model's latency from multi-pool boots (race-latency.ts); default true. */
  raceLatency?: boolean
  /**
   * Compute the interval's coverage (each capture left out of its own interval: a leave-one-out
   * inside every leave-one-out, most of a fit's time with perCpuSlabs' size-class grid); default true.
   */
  coverage?: boolean
}

export interface FitOutcome {
  profile: Profile
  points: ProvenancePoint[]
  /** Other term sets tried and their leave-one-out scores (auto selection). */
  /** looWorst: the largest leave-one-out error as a fraction of that capture's bound (the ranking). */
  tried: {terms: TermId[]; looFailures: number; looWorst: number; looRmse: number}[]
  lowerBounds: {capture: string; atLeast: number; fitted: number; satisfied: boolean}[]
  notes: string[]
}

class Refusal extends InputError {}

/**
 * Term values per host, term and size class: term selection fits every subset of terms for every
 * capture left out (and nested, every fold again), so the same value is asked for ~10^6 times;
 * perCpuSlabs' slab-order search made that ~40 % of calibrate's time (node --cpu-prof).
 */
const valueCache = new WeakMap<object, Float64Array>()
const TERM_INDEX = new Map<TermId, number>(TERM_IDS.map((t, i) => [t, i]))
/** Column of a size class in the cache: 0 for none, 1 + its index in KMALLOC_SIZES, -1 for another size. */
function sizeSlot(p: TermParams): number {
  if (!p.slabObjectBytes) return 0
  const i = (KMALLOC_SIZES as readonly number[]).indexOf(p.slabObjectBytes)
  return i < 0 ? -1 : 1 + i
}

function termValue(host: CaptureFacts['host'], t: TermId, params: TermParams): number {
  const slot = sizeSlot(params)
  // A size class outside the kmalloc table (a profile's own) is computed, not cached.
  if (slot < 0) return term(t).value(host, params)
  let row = valueCache.get(host)
  if (!row) valueCache.set(host, (row = new Float64Array(TERM_IDS.length * (KMALLOC_SIZES.length + 1)).fill(NaN)))
  const i = TERM_INDEX.get(t)! * (KMALLOC_SIZES.length + 1) + slot
  if (Number.isNaN(row[i])) row[i] = term(t).value(host, params)
  return row[i]
}

function design(points: CaptureFacts[], terms: TermId[], params: TermParams = PROBE_PARAMS): number[][] {
  return points.map((p) => terms.map((t) => termValue(p.host, t, params)))
}

interface FormFit {
  coef: number[]
  dependent: number[]
  params: TermParams
  /** Residual sum of squares of the fit, and of every size class tried (perCpuSlabs). */
  ss: number
  grid: {slabObjectBytes: number; ss: number}[]
}

/**
 * Least squares of y on the terms. With perCpuSlabs the one discrete kernel parameter, the kmalloc
 * size class of the per-CPU objects, is chosen by the smallest residual over the size classes:
 * a grid of 13, on the points given (so inside each leave-one-out fold, never on the left-out one).
 */
function fitForm(points: CaptureFacts[], terms: TermId[], y: number[], fixed?: TermParams): FormFit {
  const sizes: (number | undefined)[] = terms.includes('perCpuSlabs') ? (fixed?.slabObjectBytes ? [fixed.slabObjectBytes] : [...KMALLOC_SIZES]) : [undefined]
  let best: FormFit | undefined
  const grid: FormFit['grid'] = []
  for (const size of sizes) {
    const params: TermParams = size ? {slabObjectBytes: size} : {}
    const X = design(points, terms, params)
    const f = lstsq(X, y)
    const ss = X.reduce((a, r, i) => a + (dot(r, f.coef) - y[i]) ** 2, 0)
    if (size) grid.push({slabObjectBytes: size, ss: round(ss, 3)})
    if (!best || f.dependent.length < best.dependent.length || (f.dependent.length === best.dependent.length && ss < best.ss - 1e-9)) {
      best = {coef: f.coef, dependent: f.dependent, params, ss, grid}
    }
  }
  return best!
}

/** A fit of y on the terms (fitForm, or fitExtra for the extra pages): what a leave-one-out redoes. */
type Fitter = (points: CaptureFacts[], terms: TermId[], y: number[]) => {coef: number[]; dependent: number[]; params: TermParams}

/** Leave-one-out (or leave-one-group-out) with fitForm (or another fitter), the size-class grid redone in every fold. */
function looForm(points: CaptureFacts[], terms: TermId[], y: number[], groups?: string[], fit: Fitter = fitForm): LooPoint[] {
  const what = groups ? 'host shape' : 'capture'
  return points.map((p, i) => {
    const keep = points.map((_, k) => (groups ? groups[k] !== groups[i] : k !== i))
    const rest = points.filter((_, k) => keep[k])
    if (rest.length < terms.length) return {reason: tooFewLeft(what, rest.length, terms.length)}
    const f = fit(
      rest,
      terms,
      y.filter((_, k) => keep[k]),
    )
    if (f.dependent.length > 0) return {reason: `without this ${what} the data cannot determine ${f.dependent.map((j) => terms[j]).join(', ')}`}
    return {predicted: dot(design([p], terms, f.params)[0], f.coef)}
  })
}

function score(points: CaptureFacts[], y: number[], terms: TermId[]) {
  const loo = looForm(points, terms, y)
  return {loo, ...scoreLoo(loo, y)}
}

/** Misses of the bound (an undefined prediction is one), RMSE and the worst error in bound units. */
function scoreLoo(loo: LooPoint[], y: number[]): {fails: number; rmse: number; worst: number} {
  let fails = 0
  let ss = 0
  let n = 0
  // The bound is relative (MODEL_TOLERANCE): the worst error as a fraction of each capture's own bound
  // ranks forms by how safely they meet it; RMSE alone is dominated by the largest counts.
  let worst = 0
  loo.forEach((l, i) => {
    if (l.predicted === undefined) {
      fails++
      return
    }
    if (!withinBound(l.predicted, y[i])) fails++
    ss += (l.predicted - y[i]) ** 2
    worst = Math.max(worst, Math.abs(l.predicted - y[i]) / toleranceFor(y[i]))
    n++
  })
  return {fails, rmse: n ? Math.sqrt(ss / n) : Infinity, worst: n ? worst : Infinity}
}

function subsets<T>(xs: T[]): T[][] {
  const out: T[][] = []
  for (let m = 0; m < 1 << xs.length; m++) out.push(xs.filter((_, i) => m & (1 << i)))
  return out
}

/** The captures' checks: instrumented ones to fit, overflow messages as lower bounds, one window and kernel. */
function groupFacts(facts: CaptureFacts[]): {exact: CaptureFacts[]; bounds: CaptureFacts[]; window: Exclude<Window, 'none'>; kernel: string} {
  const exact = facts.filter((f) => f.calls !== undefined)
  const bounds = facts.filter((f) => f.calls === undefined && f.overflowLowerBound !== undefined)
  for (const f of facts) {
    if (f.calls === undefined && f.overflowLowerBound === undefined) {
      throw new Refusal(`${f.path}: no klab: line and no EARLY_ALLOC_PFN_MAX overflow message; nothing to fit (calibrate needs instrumented captures, or overflow messages as lower bounds)`)
    }
  }
  if (exact.length === 0) {
    throw new Refusal(`only lower bounds (overflow messages) among ${plural(facts.length, 'capture')}: they say "more than ${bounds[0]?.overflowLowerBound! - 1}" but cannot determine any term; add instrumented captures (klab: lines)`)
  }
  const windows = [...new Set(exact.map((f) => f.window))]
  if (windows.length !== 1 || !windows[0]) {
    throw new Refusal(`the captures mix page_ext windows (${exact.map((f) => `${f.name}: ${f.window ?? 'unknown'}`).join(', ')}); one profile describes one window, calibrate each group separately`)
  }
  const kernels = [...new Set(exact.map((f) => (f.release ?? '?').split('.').slice(0, 2).join('.')))]
  if (kernels.length !== 1) throw new Refusal(`the captures mix kernels (${kernels.join(', ')}); one profile describes one kernel build`)
  return {exact, bounds, window: windows[0], kernel: kernels[0]}
}

/** Terms given with --terms (checked), or chosen by leave-one-out. */
function chooseTerms(exact: CaptureFacts[], y: number[], window: Exclude<Window, 'none'>, opts: CalibrateOptions, notes: string[]): {chosen: TermId[]; tried: FitOutcome['tried']} {
  if (!opts.terms) return selectTerms(exact, y, window, notes)
  const terms = opts.terms.filter((t) => t !== 'base')
  for (const t of terms) if (!TERM_IDS.includes(t)) throw new Refusal(`unknown term ${t}; expected ${TERM_IDS.join(', ')}`)
  const fit = fitForm(exact, ['base', ...terms], y)
  if (fit.dependent.length) {
    const names = fit.dependent.map((j) => ['base', ...terms][j])
    throw new Refusal(`the captures cannot determine ${names.join(', ')}: ${names.map((n) => whyUndetermined(exact, n as TermId)).join('; ')}`)
  }
  if (exact.length < terms.length + 1) throw new Refusal(`${plural(exact.length, 'capture')} cannot determine ${terms.length + 1} terms`)
  return {chosen: terms, tried: []}
}

/**
 * Least squares, then the lower bounds (overflow messages): a violated one becomes active, i.e.
 * the fit is made to pass through it, most violated first, until every bound holds (an
 * active-set least squares).
 */
function fitWithBounds(X: number[][], y: number[], bounds: CaptureFacts[], terms: TermId[], params: TermParams, notes: string[]): number[] {
  let fit = lstsq(X, y)
  const active: CaptureFacts[] = []
  for (let round = 0; round < bounds.length; round++) {
    const worst = bounds
      .filter((b) => !active.includes(b))
      .map((b) => ({b, gap: b.overflowLowerBound! - dot(terms.map((t) => term(t).value(b.host, params)), fit.coef)}))
      .filter((v) => v.gap > 0)
      .sort((a, b) => b.gap - a.gap)[0]
    if (!worst) break
    active.push(worst.b)
    // A heavily weighted row is an equality constraint for least squares.
    const W = 1e4
    const Xa = [...X, ...active.map((b) => terms.map((t) => W * term(t).value(b.host, params)))]
    const ya = [...y, ...active.map((b) => W * b.overflowLowerBound!)]
    fit = lstsq(Xa, ya)
    notes.push(`lower bound of ${worst.b.name} (overflow message: at least ${worst.b.overflowLowerBound}) was violated by ${round1(worst.gap)}: fitted through it`)
  }
  return fit.coef
}

/**
 * The host shape as the window sees it: before SMP only possible CPUs count, after SMP online.
 * KASAN is part of it (a KASAN build on the same machine is another kernel, not a twin).
 */
function shapeKey(window: Exclude<Window, 'none'>) {
  return (f: CaptureFacts) =>
    [window === 'after-smp' ? f.host.onlineCpus : f.host.possibleCpus, Math.round(f.host.memoryBytes / 2 ** 20), f.host.nodes, f.host.normalZone, f.host.gbPages, f.host.kasan].join('/')
}

function cpuKind(window: Exclude<Window, 'none'>): FittedRange['cpuKind'] {
  return window === 'after-smp' ? 'online' : 'possible'
}

/** Leave-one-out errors in bound units (interval.ts), for the points that have a prediction. */
function looErrors(loo: LooPoint[], y: number[]): number[] {
  return loo.flatMap((l, i) => (l.predicted === undefined ? [] : [boundError(l.predicted, y[i])]))
}

/**
 * The interval's errors (interval.ts newHostError), from the values the provenance stores, so that
 * the shipped q can be recomputed from the profile alone.
 */
function newHostErrors(points: ProvenancePoint[]): number[] {
  return points.flatMap((p) => newHostError(p.measured, {loo: p.loo, loco: p.loco, nested: p.nestedLoo}) ?? [])
}

/** Captures inside their own interval, of those for which one could be remade without them. */
interface Tally {
  inside: number
  of: number
}

function tally(t: Tally, measured: number, band: {low: number; high: number}): void {
  t.of++
  if (measured >= band.low && measured <= band.high) t.inside++
}

/**
 * Coverage of the 90 % intervals, as a new host meets them: each capture's host shape left out, the
 * fit and the interval remade from the other shapes alone (their leave-one-shape-out errors; the
 * nested redo of the term choice is left out here, n selections per capture), widened when the
 * capture lies outside their range as predict() does, then asked whether it holds the capture's
 * count. The pages' likewise, their whole model (calls + extra pages, fitPages) refitted without it.
 */
function coverage(exact: CaptureFacts[], y: number[], terms: TermId[], pm: PageModel, where: {window: Exclude<Window, 'none'>; kernel: string}): {calls: Tally; pages: Tally} {
  const calls: Tally = {inside: 0, of: 0}
  const pages: Tally = {inside: 0, of: 0}
  const shapes = exact.map(shapeKey(where.window))
  exact.forEach((f, i) => {
    const keep = (_: unknown, k: number) => shapes[k] !== shapes[i]
    const rest = exact.filter(keep)
    const yr = y.filter(keep)
    const groups = shapes.filter(keep)
    if (rest.length < terms.length + 1) return
    const form = fitForm(rest, terms, yr)
    const loco = looForm(rest, terms, yr, groups)
    const iv = intervalFromErrors(looErrors(loco, yr))
    if (form.dependent.length || !iv) return
    const predicted = dot(design([f], terms, form.params)[0], form.coef)
    const value = Math.max(0, Math.round(predicted))
    const widen = extrapolation(f.host, fittedRange(rest.map((r) => r.host), cpuKind(where.window)), {kernelMatches: true, profileKernel: where.kernel, facts: checkedFacts(where.window, terms)}).widen
    tally(calls, y[i], interval(value, iv.q, widen))
    const extraRest = pm.yExtra.filter(keep)
    const ef = pm.fit(rest, pm.terms, extraRest)
    const piv = intervalFromErrors(looErrors(pagesLoo(loco, looForm(rest, pm.terms, extraRest, groups, pm.fit)), pm.yPages.filter(keep)))
    if (ef.dependent.length || !piv) return
    const pageValue = Math.max(value, Math.round(predicted + dot(design([f], pm.terms, ef.params)[0], ef.coef)))
    tally(pages, pm.yPages[i], interval(pageValue, piv.q, widen))
  })
  return {calls, pages}
}

export function calibrate(facts: CaptureFacts[], opts: CalibrateOptions = {}): FitOutcome {
  const notes: string[] = []
  const {exact, bounds, window, kernel} = groupFacts(facts)
  const y = exact.map((f) => f.calls!)
  const {chosen, tried} = chooseTerms(exact, y, window, opts, notes)
  const terms: TermId[] = ['base', ...chosen]
  const form = fitForm(exact, terms, y)
  const params = form.params
  const X = design(exact, terms, params)
  const coef = fitWithBounds(X, y, bounds, terms, params, notes)
  const fitted = X.map((r) => dot(r, coef))
  const {points, loo, loco} = crossValidated(exact, y, terms, window, X, fitted, opts)
  const pages = fitPages(exact, {terms, params, fitted, loo, loco}, window, opts, notes)
  points.forEach((p, i) => Object.assign(p, pagePoint(pages, i)))
  const lowerBounds = checkLowerBounds(bounds, terms, params, coef, notes)
  const undefinedLoo = points.filter((p) => p.looReason)
  if (undefinedLoo.length) notes.push(`leave-one-out undefined for ${undefinedLoo.length} of ${plural(points.length, 'capture')}: ${[...new Set(undefinedLoo.map((p) => p.looReason))].join('; ')}`)
  const maxOrder = Math.max(6, ...exact.map((f) => f.klab?.max_order ?? 0))
  const iv = intervalFromErrors(newHostErrors(points), undefined, 'new-host')
  const cov = iv && opts.coverage !== false ? coverage(exact, y, terms, pages.model, {window, kernel}) : undefined
  if (iv && cov && cov.calls.of === 0) notes.push(`interval coverage undefined: without any one host shape too few remain to remake the interval (${terms.length} terms and their leave-one-shape-out)`)
  const profile: Profile = {
    schema: PROFILE_SCHEMA,
    ...identity(exact, kernel, window, opts.name),
    terms: profileTerms(terms, coef, pages),
    ...(params.slabObjectBytes || pages.params.slabObjectBytes ? {params: {...pages.params, ...params}} : {}),
    maxOrder,
    keptTaggedRate: round(keptTaggedRate(exact), 6),
    range: fittedRange(
      exact.map((f) => f.host),
      cpuKind(window),
    ),
    provenance: {
      tool: 'allocscope calibrate',
      created: opts.created ?? new Date().toISOString(),
      captures: points,
      r2: round(rSquared(y, fitted), 4),
      rmse: round(rmsOf(y.map((v, i) => v - fitted[i])), 2),
      ...cvSummary(points),
      ...(iv ? {interval: iv} : {}),
      ...(cov?.calls.of ? {coverage: `${cov.calls.inside}/${cov.calls.of}`} : {}),
      ...pageSummary(pages, cov?.pages),
      notes: fitNotes({window, terms, params, form, maxOrder, iv}, opts, notes),
    },
  }
  const races = opts.raceLatency === false ? undefined : fitAllocLatency(raceBoots(exact), profile)
  if (races) {
    profile.params = {...profile.params, allocLatency: races.allocLatency}
    profile.provenance.notes.push(races.note)
  }
  return {profile, points, tried, lowerBounds, notes}
}

/** Each term's calls and pages (calls + extra pages) per unit, in TERM_IDS order. */
function profileTerms(terms: TermId[], coef: number[], pages: PageFit): Profile['terms'] {
  return TERM_IDS.filter((t) => terms.includes(t) || pages.terms.includes(t)).map((t) => {
    const calls = terms.includes(t) ? coef[terms.indexOf(t)] : 0
    const extra = pages.terms.includes(t) ? pages.extra[pages.terms.indexOf(t)] : 0
    return {id: t, calls: round(calls, 6), pages: round(calls + extra, 6)}
  })
}

const rmsOf = (xs: number[]): number => Math.sqrt(xs.reduce((s, x) => s + x * x, 0) / xs.length)

/**
 * Name, description, kernel and window of a fit. Fitted on KASAN builds only, it says so (kasan):
 * profileFor picks it for KASAN hosts and never for the others.
 */
function identity(exact: CaptureFacts[], kernel: string, window: Exclude<Window, 'none'>, name?: string): Pick<Profile, 'name' | 'description' | 'kernel' | 'window' | 'kasan'> {
  const kasan = exact.every((f) => f.host.kasan)
  const where = window === 'before-smp' ? 'before SMP (DEBUG / early_page_ext)' : 'after SMP (deferred struct-page init)'
  return {
    name: name ?? `linux-${kernel}-${window}${kasan ? '-kasan' : ''}`,
    description: `Early page allocations of the Linux ${kernel} lab build${kasan ? ' with KASAN' : ''} with page_ext ${where}, fitted from ${plural(exact.length, 'instrumented boot')}.`,
    kernel,
    window,
    ...(kasan ? {kasan} : {}),
  }
}

/** The data the extra pages are fitted to, and the fit: what coverage() redoes without a capture. */
interface PageModel {
  /** The extra pages' terms, base first. */
  terms: TermId[]
  fit: Fitter
  /** Measured pages beyond one per call, and the pages. */
  yExtra: number[]
  yPages: number[]
}

interface PageFit {
  terms: TermId[]
  /** Extra pages per unit of each term (the terms' own units). */
  extra: number[]
  params: TermParams
  /** Pages fitted (the calls' fit + the extra's) and predicted leave-one-out, per capture. */
  fitted: number[]
  loo: LooPoint[]
  /** Pages predicted with the capture's host shape left out (calls and extra). */
  loco: LooPoint[]
  iv?: ProfileInterval
  model: PageModel
}

/**
 * Pages = calls + the extra pages of high-order allocations, the extra with terms of its own: the
 * order mix changes with hosts where the call count does not (6.12 with DEBUG: 62 calls at 1 CPU
 * and 60 at 192, but 132 pages and 403). One model: its value is the calls' fit plus the extra's,
 * and its interval is made of that same sum predicted leave-one-out (calls and extra both refitted
 * without the capture), so the interval is about the value it surrounds.
 */
function fitPages(exact: CaptureFacts[], calls: {terms: TermId[]; params: TermParams; fitted: number[]; loo: LooPoint[]; loco: LooPoint[]}, window: Exclude<Window, 'none'>, opts: CalibrateOptions, notes: string[]): PageFit {
  const yPages = exact.map((f) => f.pages ?? f.calls!)
  const yExtra = yPages.map((p, i) => p - exact[i].calls!)
  const fixed = calls.params.slabObjectBytes ? calls.params : undefined
  const fit: Fitter = (pts, ts, ye) => fitExtra(pts, ts, ye, fixed)
  const {terms, how} = pageTerms(exact, {yExtra, yPages, callsLoo: calls.loo, fit}, window, calls.terms, opts, notes)
  const full = fit(exact, terms, yExtra)
  const loo = pagesLoo(calls.loo, looForm(exact, terms, yExtra, undefined, fit))
  // Each host shape left out of the calls and the extra alike (the page terms are not chosen again:
  // the pages have no nested redo), the errors the page interval is made of.
  const loco = pagesLoo(calls.loco, looForm(exact, terms, yExtra, exact.map(shapeKey(window)), fit))
  const fitted = calls.fitted.map((c, i) => c + dot(design([exact[i]], terms, full.params)[0], full.coef))
  const iv = intervalFromErrors(
    yPages.flatMap((m, i) => newHostError(m, {loo: round2(loo[i].predicted), loco: round2(loco[i].predicted)}) ?? []),
    undefined,
    'new-host',
  )
  notes.push(
    `pages: the calls + the extra pages of high-order allocations, on ${terms.join(' + ')} (${how}); ` +
      'every early allocation takes at least one page, so the extra is fitted non-negative where that holds: at the lower corner of the captures (each term from its smallest value there: the base is the extra pages of the smallest fitted host) and per term beyond it (a host with more CPUs, nodes or memory makes more early allocations, never fewer pages); ' +
      (iv ? `90 % interval +/-${iv.q} x ${TOLERANCE_LABEL} from this page count's own leave-one-shape-out errors (${iv.n} captures${iv.fewCaptures ? ', fewer than 9: the largest x 1.5' : ''}; the page terms are not chosen again)` : 'no interval: no capture could be predicted leave-one-out'),
  )
  return {terms, extra: full.coef, params: full.params, fitted, loo, loco, iv, model: {terms, fit, yExtra, yPages}}
}

/**
 * The extra pages' fit, constrained by what the kernel allows: every early allocation takes at
 * least one page (pages >= calls per event), so the extra can be negative on no host. A
 * non-negative coefficient per term cannot say that for terms that are never zero (nodes >= 1,
 * log2Memory = 3 at 1 GiB): beside them a non-negative base pins the extra's constant at 0 and
 * lets them carry it, which inflated every small host (412 measured pages predicted 1553). So
 * each term is measured from its smallest value among the captures: the base is then the extra
 * pages at that lower corner (>= 0), and each term's coefficient what it adds beyond it (>= 0:
 * more CPUs, nodes or memory add early allocations and take no page away, which also keeps the
 * extra non-negative far beyond the fitted range). Returned in the terms' own units, so the base
 * absorbs each term's floor (and may be below the calls' base). perCpuSlabs takes the calls'
 * size class, or its own by the smallest residual.
 */
function fitExtra(points: CaptureFacts[], terms: TermId[], yExtra: number[], fixed?: TermParams): FormFit {
  const sizes: (number | undefined)[] = terms.includes('perCpuSlabs') ? (fixed?.slabObjectBytes ? [fixed.slabObjectBytes] : [...KMALLOC_SIZES]) : [undefined]
  let best: FormFit | undefined
  for (const size of sizes) {
    const params: TermParams = size ? {slabObjectBytes: size} : {}
    const X = design(points, terms, params)
    const floor = terms.map((t, j) => (t === 'base' ? 0 : Math.min(...X.map((r) => r[j]))))
    const Z = X.map((r) => r.map((v, j) => v - floor[j]))
    const whole = lstsq(Z, yExtra)
    const dependent = whole.dependent
    if (dependent.length) {
      best ??= {coef: terms.map(() => 0), dependent, params, ss: Infinity, grid: []}
      continue
    }
    const b = nnls(Z, yExtra, whole)
    const ss = Z.reduce((a, r, i) => a + (dot(r, b) - yExtra[i]) ** 2, 0)
    if (!best || best.dependent.length || ss < best.ss - 1e-9) best = {coef: b.map((c, j) => (terms[j] === 'base' ? c - dot(b, floor) : c)), dependent: [], params, ss, grid: []}
  }
  return best!
}

/** Pages predicted leave-one-out: the calls' prediction plus the extra pages' (none below the calls, as predict() has it). */
function pagesLoo(callsLoo: LooPoint[], extraLoo: LooPoint[]): LooPoint[] {
  return callsLoo.map((c, i) => (c.predicted === undefined ? c : extraLoo[i].predicted === undefined ? extraLoo[i] : {predicted: c.predicted + Math.max(0, extraLoo[i].predicted!)}))
}

interface PageData {
  yExtra: number[]
  yPages: number[]
  callsLoo: LooPoint[]
  fit: Fitter
}

/** The extra pages' terms (base first): given (--terms: the calls'), or chosen by leave-one-out on the page count. */
function pageTerms(exact: CaptureFacts[], d: PageData, window: Exclude<Window, 'none'>, callTerms: TermId[], opts: CalibrateOptions, notes: string[]): {terms: TermId[]; how: string} {
  if (!opts.pageTerms && !opts.terms) return {terms: selectPageTerms(exact, d, window), how: 'chosen by leave-one-out on the page count'}
  let terms = opts.pageTerms ? TERM_IDS.filter((t) => t === 'base' || opts.pageTerms!.includes(t)) : callTerms
  const f = d.fit(exact, terms, d.yExtra)
  if (f.dependent.length) {
    // Page terms these captures cannot determine (a leave-one-out fold without the only 2-node
    // boot): the pages are fitted without them rather than refusing the call count.
    notes.push(`pages: ${f.dependent.map((j) => terms[j]).join(', ')} undetermined by these captures, left out of the pages fit`)
    terms = terms.filter((_, j) => !f.dependent.includes(j))
  }
  return {terms, how: opts.pageTerms ? 'given' : "the calls' terms, given with --terms"}
}

/**
 * The extra pages' terms by leave-one-out on the page count (calls + extra, each predicted without
 * the capture), ranked as the calls' are: fewest misses of the bound, then the smallest worst
 * error relative to it, then the fewest terms. A set whose fit holds a term at zero is skipped:
 * the set without it is tried too.
 */
function selectPageTerms(exact: CaptureFacts[], d: PageData, window: Exclude<Window, 'none'>): TermId[] {
  const usable = CANDIDATES[window].filter((t) => d.fit(exact, ['base', t], d.yExtra).dependent.length === 0)
  let best: {terms: TermId[]; fails: number; worst: number} | undefined
  for (const s of subsets(usable)) {
    const terms = TERM_IDS.filter((t) => t === 'base' || s.includes(t))
    if (exact.length < terms.length + 1) continue
    const full = d.fit(exact, terms, d.yExtra)
    if (full.dependent.length || full.coef.some((c, j) => terms[j] !== 'base' && c <= 1e-9)) continue
    const sc = scoreLoo(pagesLoo(d.callsLoo, looForm(exact, terms, d.yExtra, undefined, d.fit)), d.yPages)
    const better = !best || sc.fails < best.fails || (sc.fails === best.fails && (sc.worst < best.worst - 1e-9 || (Math.abs(sc.worst - best.worst) <= 1e-9 && terms.length < best.terms.length)))
    if (better) best = {terms, fails: sc.fails, worst: sc.worst}
  }
  return best?.terms ?? ['base']
}

/** A capture's pages in the provenance: measured, fitted, and predicted leave-one-out. */
function pagePoint(pages: PageFit, i: number): Partial<ProvenancePoint> {
  const loo = pages.loo[i].predicted
  const loco = pages.loco[i].predicted
  return {
    measuredPages: pages.model.yPages[i],
    fittedPages: round(pages.fitted[i], 2),
    ...(loo !== undefined ? {looPages: round(loo, 2)} : {}),
    ...(loco !== undefined ? {locoPages: round(loco, 2)} : {}),
  }
}

/** The page count's fit in the provenance, as the calls' (r2, rmse, leave-one-out, interval, coverage). */
function pageSummary(pages: PageFit, cov?: Tally): Partial<Profile['provenance']> {
  const y = pages.model.yPages
  const loo = pages.loo.flatMap((l, i) => (l.predicted === undefined ? [] : [{p: l.predicted, m: y[i]}]))
  return {
    pageTerms: pages.terms,
    pageR2: round(rSquared(y, pages.fitted), 4),
    pageRmse: round(rmsOf(y.map((v, i) => v - pages.fitted[i])), 2),
    ...(loo.length ? {pageLooRmse: round(rmsOf(loo.map((l) => l.p - l.m)), 2), pageLooMaxRelError: round(Math.max(...loo.map((l) => Math.abs(l.p - l.m) / l.m)), 4)} : {}),
    ...(pages.iv ? {pageInterval: pages.iv} : {}),
    ...(cov?.of ? {pageCoverage: `${cov.inside}/${cov.of}`} : {}),
  }
}

function checkLowerBounds(bounds: CaptureFacts[], terms: TermId[], params: TermParams, coef: number[], notes: string[]): FitOutcome['lowerBounds'] {
  const out = bounds.map((f) => {
    const v = dot(terms.map((t) => term(t).value(f.host, params)), coef)
    return {capture: f.name, atLeast: f.overflowLowerBound!, fitted: round(v, 1), satisfied: v >= f.overflowLowerBound! - 0.5}
  })
  for (const b of out) if (!b.satisfied) notes.push(`${b.capture}: fit predicts ${b.fitted} but the overflow message says at least ${b.atLeast}`)
  return out
}

/** Every capture predicted without itself: alone, with its host shape, and with the term choice redone. */
function crossValidated(exact: CaptureFacts[], y: number[], terms: TermId[], window: Exclude<Window, 'none'>, X: number[][], fitted: number[], opts: CalibrateOptions) {
  const sc = score(exact, y, terms)
  const loco = looForm(exact, terms, y, exact.map(shapeKey(window)))
  // Nested leave-one-out: the whole selection (terms, size class, coefficients) redone without the
  // capture, so the term choice never sees the point it is judged on.
  const nested = opts.terms || opts.nested === false ? undefined : exact.map((_, i) => nestedPrediction(exact, y, window, i))
  const points: ProvenancePoint[] = exact.map((f, i) => ({
    capture: f.name,
    values: Object.fromEntries(terms.map((t, j) => [t, round(X[i][j], 4)])),
    measured: y[i],
    fitted: round(fitted[i], 2),
    ...(sc.loo[i].predicted !== undefined ? {loo: round(sc.loo[i].predicted!, 2)} : {looReason: sc.loo[i].reason}),
    ...(loco[i].predicted !== undefined ? {loco: round(loco[i].predicted!, 2)} : {}),
    ...(nested?.[i] ? {nestedLoo: round(nested[i]!.predicted, 2), nestedTerms: nested[i]!.terms} : {}),
    kind: 'exact' as const,
  }))
  return {points, loo: sc.loo, loco}
}

function keptTaggedRate(exact: CaptureFacts[]): number {
  const walks = exact.filter((f) => f.walk && f.calls)
  return walks.length ? walks.reduce((s, f) => s + (f.walk!.kept_tagged ?? 0) / f.calls!, 0) / walks.length : 0
}

/** Leave-one-out, nested and same-shape summaries of the points (provenance fields). */
function cvSummary(points: ProvenancePoint[]): Partial<Profile['provenance']> {
  const looPts = points.filter((p) => p.loo !== undefined)
  const locoPts = points.filter((p) => p.loco !== undefined)
  const rms = (xs: number[]) => round(Math.sqrt(xs.reduce((s, x) => s + x * x, 0) / xs.length), 2)
  return {
    ...(looPts.length
      ? {looRmse: rms(looPts.map((p) => p.loo! - p.measured)), looMaxRelError: round(Math.max(...looPts.map((p) => Math.abs(p.loo! - p.measured) / p.measured)), 4)}
      : {}),
    ...(points.some((p) => p.nestedLoo !== undefined)
      ? {nestedLooWithinBound: `${points.filter((p) => p.nestedLoo !== undefined && withinBound(p.nestedLoo, p.measured)).length}/${points.length}`}
      : {}),
    ...(locoPts.length ? {locoRmse: rms(locoPts.map((p) => p.loco! - p.measured)), locoWithinBound: `${locoPts.filter((p) => withinBound(p.loco!, p.measured)).length}/${points.length}`} : {}),
  }
}

interface NoteInput {
  window: Exclude<Window, 'none'>
  terms: TermId[]
  params: TermParams
  form: FormFit
  maxOrder: number
  iv?: ProfileInterval
}

function fitNotes({window, terms, params, form, maxOrder, iv}: NoteInput, opts: CalibrateOptions, notes: string[]): string[] {
  return [
    `terms ${opts.terms ? 'given with --terms' : 'chosen by leave-one-out among ' + CANDIDATES[window].join(', ')}: ${terms.map((t) => `${t} (${term(t).meaning})`).join('; ')}`,
    ...(params.slabObjectBytes
      ? [
          `perCpuSlabs size class: kmalloc-${params.slabObjectBytes}, the smallest residual of the ${form.grid.length} kmalloc size classes (residual sum of squares ${form.grid.map((g) => `${g.slabObjectBytes}: ${g.ss}`).join(', ')}); ${sheafEvidence(params.slabObjectBytes)}`,
        ]
      : []),
    `order mix: the pages beyond one per call modelled as order-${maxOrder} allocations in the replay`,
    ...(iv
      ? [
          // Plain ASCII (ceil, not the ceiling brackets): --format text shows any other character as \uXXXX.
          `90 % interval: +/-${iv.q} x ${TOLERANCE_LABEL} at the predicted value, the ${iv.fewCaptures ? 'largest error x 1.5 (fewer than 9 captures)' : `ceil(0.9 (n + 1))-th smallest of the ${iv.n} errors in those units`}; each capture's error the larger of its leave-one-shape-out and nested ones (a new host is another shape, and the terms were chosen on it): an empirical quantile, no coverage guaranteed; measured: the interval coverage`,
        ]
      : []),
    ...notes,
  ]
}

/**
 * What allocinfo says of the per-CPU objects' size, beside the class the residual chose: the two
 * need not agree (the class is a fitted parameter, not a measurement), and the note says which.
 */
function sheafEvidence(chosen: number): string {
  const evidence = "the 7.x per-CPU sheaves (struct slab_sheaf + capacity pointers) average 376-405 B per object in allocinfo's __alloc_empty_sheaf, i.e. kmalloc-512"
  return chosen === 512 ? `agrees with ${evidence}` : `${evidence}: the counts fit kmalloc-${chosen} better, so the class here is a fitted parameter, not that measurement`
}

/**
 * Auto selection: the term subset with the fewest leave-one-out misses, then the smallest worst
 * leave-one-out error relative to its capture's bound, then the fewest terms.
 */
function selectTerms(exact: CaptureFacts[], y: number[], window: Exclude<Window, 'none'>, notes: string[]): {chosen: TermId[]; tried: FitOutcome['tried']} {
  const determined = (terms: TermId[]) => fitForm(exact, ['base', ...terms], y).dependent.length === 0
  const tried: FitOutcome['tried'] = []
  const cands = CANDIDATES[window]
  const usable = cands.filter((t) => {
    const ok = determined([t])
    if (!ok) notes.push(`${t} left out: ${whyUndetermined(exact, t)}`)
    return ok
  })
  if (!usable.some((t) => CPU_TERMS.includes(t))) {
    throw new Refusal(`the captures cannot determine any per-CPU term (${whyUndetermined(exact, window === 'after-smp' ? 'onlineCpus' : 'possibleCpus')}); a profile without one would predict the same count for every CPU count`)
  }
  let best: {terms: TermId[]; fails: number; worst: number} | undefined
  for (const s of subsets(usable)) {
    if (exact.length < s.length + 1 || !determined(s)) continue
    // Per-CPU work cannot be negative: a falling slope is noise, and extrapolated to thousands
    // of CPUs it would predict fewer than zero allocations.
    const full = fitForm(exact, ['base', ...s], y)
    if (s.some((t, j) => CPU_TERMS.includes(t) && full.coef[j + 1] < 0)) continue
    const sc = score(exact, y, ['base', ...s])
    tried.push({terms: s, looFailures: sc.fails, looWorst: round(sc.worst, 3), looRmse: round(sc.rmse, 2)})
    const better =
      !best || sc.fails < best.fails || (sc.fails === best.fails && (sc.worst < best.worst - 1e-9 || (Math.abs(sc.worst - best.worst) <= 1e-9 && s.length < best.terms.length)))
    if (better) best = {terms: s, fails: sc.fails, worst: sc.worst}
  }
  if (!best) throw new Refusal(`${plural(exact.length, 'capture')} cannot determine a base and a per-CPU term`)
  let chosen = best.terms
  if (best.fails >= exact.length) {
    // No term set predicts any capture leave-one-out (too few captures): keep the plain per-CPU
    // term, the form the kernel's per-CPU work has, rather than the fewest terms.
    const primary: TermId = window === 'after-smp' ? 'onlineCpus' : 'possibleCpus'
    if (usable.includes(primary) && exact.length >= 2) chosen = [primary]
    notes.push(`too few captures to compare term sets leave-one-out: base + ${chosen.join(' + ') || 'nothing'} kept`)
  } else if (!chosen.some((t) => CPU_TERMS.includes(t))) {
    notes.push(`no per-CPU term: over ${describeRange(exact, window)} the count does not grow with CPUs (no rising per-CPU slope predicted better leave-one-out)`)
  }
  tried.sort((a, b) => a.looFailures - b.looFailures || a.looWorst - b.looWorst)
  return {chosen, tried}
}

/** Capture i predicted by the whole procedure run without it; undefined when the rest refuse. */
function nestedPrediction(exact: CaptureFacts[], y: number[], window: Exclude<Window, 'none'>, i: number): {predicted: number; terms: TermId[]} | undefined {
  const rest = exact.filter((_, k) => k !== i)
  const yr = y.filter((_, k) => k !== i)
  try {
    const {chosen} = selectTerms(rest, yr, window, [])
    const terms: TermId[] = ['base', ...chosen]
    const f = fitForm(rest, terms, yr)
    if (f.dependent.length) return undefined
    return {predicted: dot(design([exact[i]], terms, f.params)[0], f.coef), terms: chosen}
  } catch (e) {
    if (isRefusal(e)) return undefined
    throw e
  }
}

function describeRange(points: CaptureFacts[], window: Exclude<Window, 'none'>): string {
  const v = points.map((p) => (window === 'after-smp' ? p.host.onlineCpus : p.host.possibleCpus))
  return `${Math.min(...v)}..${Math.max(...v)} ${window === 'after-smp' ? 'online' : 'possible'} CPUs`
}

function whyUndetermined(points: CaptureFacts[], t: TermId): string {
  const vals = [...new Set(points.map((p) => term(t).value(p.host, PROBE_PARAMS)))]
  if (vals.length === 1) return `every capture has ${t} = ${round(vals[0], 3)}`
  if (t === 'base') return 'another term is constant over the captures'
  return `${t} takes only ${plural(vals.length, 'value')} (${vals.map((v) => round(v, 3)).join(', ')}) and is a combination of the other terms over these captures`
}

function round2(x: number | undefined): number | undefined {
  return x === undefined ? undefined : round(x, 2)
}

function round1(x: number): number {
  return round(x, 1)
}

export function round(x: number, d: number): number {
  const f = 10 ** d
  return Math.round(x * f) / f
}

export function isRefusal(e: unknown): e is InputError {
  return e instanceof Refusal
}
