// Fitting a profile from captures: least squares of the early call count (and page count, for the
// order mix) on the profile terms, with R², residuals and leave-one-out. Terms are chosen by
// leave-one-out error among the candidates for the window ("auto"), or given explicitly; a term
// the captures cannot determine (constant, or a combination of the others) is refused, never
// given an arbitrary coefficient.
import {InputError} from '../errors.js'
import type {CaptureFacts} from './capture-facts.js'
import {type LooPoint, dot, lstsq, nnls, rSquared} from './fit.js'
import type {Window} from './host.js'
import {PROFILE_SCHEMA, type Profile, type ProvenancePoint} from './profile.js'
import {fitAllocLatency, raceBoots} from './race-latency.js'
import {KMALLOC_SIZES} from './slab.js'
import {TERM_IDS, type TermId, type TermParams, term} from './terms.js'
import {toleranceFor, withinTolerance} from './tolerance.js'

/** Candidate terms per window (base is always in). */
export const CANDIDATES: Record<Exclude<Window, 'none'>, TermId[]> = {
  'before-smp': ['possibleCpus', 'log2PossibleCpus', 'perCpuSlabs', 'normalZone', 'noGbPages', 'sections', 'nodes'],
  'after-smp': ['onlineCpus', 'log2OnlineCpus', 'normalZone', 'noGbPages', 'sections', 'nodes'],
}
const CPU_TERMS: TermId[] = ['possibleCpus', 'log2PossibleCpus', 'perCpuSlabs', 'onlineCpus', 'log2OnlineCpus']
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
  /** Fit the pool race model's latency from multi-pool boots (race-latency.ts); default true. */
  raceLatency?: boolean
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

function design(points: CaptureFacts[], terms: TermId[], params: TermParams = PROBE_PARAMS): number[][] {
  return points.map((p) => terms.map((t) => term(t).value(p.host, params)))
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

/** Leave-one-out (or leave-one-group-out) with fitForm, the size-class grid redone in every fold. */
function looForm(points: CaptureFacts[], terms: TermId[], y: number[], groups?: string[]): LooPoint[] {
  const what = groups ? 'host shape' : 'capture'
  return points.map((p, i) => {
    const keep = points.map((_, k) => (groups ? groups[k] !== groups[i] : k !== i))
    const rest = points.filter((_, k) => keep[k])
    if (rest.length < terms.length) return {reason: `without this ${what} ${rest.length} capture(s) remain for ${terms.length} terms`}
    const f = fitForm(
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
  return {loo, fails, rmse: n ? Math.sqrt(ss / n) : Infinity, worst: n ? worst : Infinity}
}

function subsets<T>(xs: T[]): T[][] {
  const out: T[][] = []
  for (let m = 0; m < 1 << xs.length; m++) out.push(xs.filter((_, i) => m & (1 << i)))
  return out
}

export function calibrate(facts: CaptureFacts[], opts: CalibrateOptions = {}): FitOutcome {
  const notes: string[] = []
  const exact = facts.filter((f) => f.calls !== undefined)
  const bounds = facts.filter((f) => f.calls === undefined && f.overflowLowerBound !== undefined)
  for (const f of facts) {
    if (f.calls === undefined && f.overflowLowerBound === undefined) {
      throw new Refusal(`${f.path}: no klab: line and no EARLY_ALLOC_PFN_MAX overflow message; nothing to fit (calibrate needs instrumented captures, or overflow messages as lower bounds)`)
    }
  }
  if (exact.length === 0) {
    throw new Refusal(`only lower bounds (overflow messages) among ${facts.length} capture(s): they say "more than ${bounds[0]?.overflowLowerBound! - 1}" but cannot determine any term; add instrumented captures (klab: lines)`)
  }
  const windows = [...new Set(exact.map((f) => f.window))]
  if (windows.length !== 1 || !windows[0]) {
    throw new Refusal(`the captures mix page_ext windows (${exact.map((f) => `${f.name}: ${f.window ?? 'unknown'}`).join(', ')}); one profile describes one window, calibrate each group separately`)
  }
  const window = windows[0]
  const kernels = [...new Set(exact.map((f) => (f.release ?? '?').split('.').slice(0, 2).join('.')))]
  if (kernels.length !== 1) throw new Refusal(`the captures mix kernels (${kernels.join(', ')}); one profile describes one kernel build`)
  const y = exact.map((f) => f.calls!)
  const yPages = exact.map((f) => f.pages ?? f.calls!)

  let chosen: TermId[]
  let tried: FitOutcome['tried'] = []
  if (opts.terms) {
    const terms = opts.terms.filter((t) => t !== 'base')
    for (const t of terms) if (!TERM_IDS.includes(t)) throw new Refusal(`unknown term ${t}; expected ${TERM_IDS.join(', ')}`)
    const fit = fitForm(exact, ['base', ...terms], y)
    if (fit.dependent.length) {
      const names = fit.dependent.map((j) => ['base', ...terms][j])
      throw new Refusal(`the captures cannot determine ${names.join(', ')}: ${names.map((n) => whyUndetermined(exact, n as TermId)).join('; ')}`)
    }
    if (exact.length < terms.length + 1) throw new Refusal(`${exact.length} capture(s) cannot determine ${terms.length + 1} terms`)
    chosen = terms
  } else {
    const sel = selectTerms(exact, y, window, notes)
    chosen = sel.chosen
    tried = sel.tried
  }
  const terms: TermId[] = ['base', ...chosen]
  const form = fitForm(exact, terms, y)
  const params = form.params
  const X = design(exact, terms, params)
  let fit = lstsq(X, y)
  // Lower bounds (overflow messages): a violated one becomes active, i.e. the fit is made to pass
  // through it, most violated first, until every bound holds (an active-set least squares).
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
  // Pages = calls + the extra pages of high-order allocations; a term can add extra pages, never
  // take any away (its calls are at least one page each), so the extra is fitted non-negative.
  const extra = nnls(
    X,
    yPages.map((p, i) => p - y[i]),
  )
  const pagesCoef = fit.coef.map((c, j) => c + extra[j])
  const fitted = X.map((r) => dot(r, fit.coef))
  const sc = score(exact, y, terms)
  // The host shape as the window sees it: before SMP only possible CPUs count, after SMP online.
  const shape = (f: CaptureFacts) =>
    [window === 'after-smp' ? f.host.onlineCpus : f.host.possibleCpus, Math.round(f.host.memoryBytes / 2 ** 20), f.host.nodes, f.host.normalZone, f.host.gbPages].join('/')
  const loco = looForm(exact, terms, y, exact.map(shape))
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
  const lowerBounds = bounds.map((f) => {
    const v = dot(terms.map((t) => term(t).value(f.host, params)), fit.coef)
    return {capture: f.name, atLeast: f.overflowLowerBound!, fitted: round(v, 1), satisfied: v >= f.overflowLowerBound! - 0.5}
  })
  for (const b of lowerBounds) if (!b.satisfied) notes.push(`${b.capture}: fit predicts ${b.fitted} but the overflow message says at least ${b.atLeast}`)
  const looPts = points.filter((p) => p.loo !== undefined)
  const locoPts = points.filter((p) => p.loco !== undefined)
  if (looPts.length < points.length) notes.push(`leave-one-out undefined for ${points.length - looPts.length} of ${points.length} capture(s): ${[...new Set(points.filter((p) => p.looReason).map((p) => p.looReason))].join('; ')}`)
  const rmse = Math.sqrt(y.reduce((s, v, i) => s + (v - fitted[i]) ** 2, 0) / y.length)
  const walks = exact.filter((f) => f.walk && f.calls)
  const keptTaggedRate = walks.length ? walks.reduce((s, f) => s + (f.walk!.kept_tagged ?? 0) / f.calls!, 0) / walks.length : 0
  const maxOrder = Math.max(6, ...exact.map((f) => f.klab?.max_order ?? 0))
  const kernel = kernels[0]
  const profile: Profile = {
    schema: PROFILE_SCHEMA,
    name: opts.name ?? `linux-${kernel}-${window}`,
    description: `Early page allocations of the Linux ${kernel} lab build with page_ext ${window === 'before-smp' ? 'before SMP (DEBUG / early_page_ext)' : 'after SMP (deferred struct-page init)'}, fitted from ${exact.length} instrumented boot(s).`,
    kernel,
    window,
    terms: terms.map((t, j) => ({id: t, calls: round(fit.coef[j], 6), pages: round(pagesCoef[j], 6)})),
    ...(params.slabObjectBytes ? {params} : {}),
    maxOrder,
    keptTaggedRate: round(keptTaggedRate, 6),
    provenance: {
      tool: 'allocscope calibrate',
      created: opts.created ?? new Date().toISOString(),
      captures: points,
      r2: round(rSquared(y, fitted), 4),
      rmse: round(rmse, 2),
      ...(looPts.length
        ? {
            looRmse: round(Math.sqrt(looPts.reduce((s, p) => s + (p.loo! - p.measured) ** 2, 0) / looPts.length), 2),
            looMaxRelError: round(Math.max(...looPts.map((p) => Math.abs(p.loo! - p.measured) / p.measured)), 4),
          }
        : {}),
      ...(nested
        ? {nestedLooWithinBound: `${points.filter((p) => p.nestedLoo !== undefined && withinBound(p.nestedLoo, p.measured)).length}/${points.length}`}
        : {}),
      ...(locoPts.length
        ? {
            locoRmse: round(Math.sqrt(locoPts.reduce((s, p) => s + (p.loco! - p.measured) ** 2, 0) / locoPts.length), 2),
            locoWithinBound: `${locoPts.filter((p) => withinBound(p.loco!, p.measured)).length}/${points.length}`,
          }
        : {}),
      notes: [
        `terms ${opts.terms ? 'given with --terms' : 'chosen by leave-one-out among ' + CANDIDATES[window].join(', ')}: ${terms.map((t) => `${t} (${term(t).meaning})`).join('; ')}`,
        ...(params.slabObjectBytes
          ? [
              `perCpuSlabs size class: kmalloc-${params.slabObjectBytes}, the smallest residual of the ${form.grid.length} kmalloc size classes (residual sum of squares ${form.grid.map((g) => `${g.slabObjectBytes}: ${g.ss}`).join(', ')}); the 7.x per-CPU sheaves (struct slab_sheaf + capacity pointers) average 376-405 B per object in allocinfo's __alloc_empty_sheaf, i.e. kmalloc-512`,
            ]
          : []),
        `order mix: the pages beyond one per call fitted with the same terms, none negative (non-negative least squares: a term's calls are at least one page each), and modelled as order-${maxOrder} allocations`,
        ...notes,
      ],
    },
  }
  const races = opts.raceLatency === false ? undefined : fitAllocLatency(raceBoots(exact), profile)
  if (races) {
    profile.params = {...profile.params, allocLatency: races.allocLatency}
    profile.provenance.notes.push(races.note)
  }
  return {profile, points, tried, lowerBounds, notes}
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
  if (!best) throw new Refusal(`${exact.length} capture(s) cannot determine a base and a per-CPU term`)
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
  return `${t} takes only ${vals.length} value(s) (${vals.map((v) => round(v, 3)).join(', ')}) and is a combination of the other terms over these captures`
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
