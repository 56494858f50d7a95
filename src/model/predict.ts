// predict(host, profile, opts): build the host's early allocations from the profile, interleave
// them with the seeded scheduler, and execute them event by event through the legacy array and
// the pfn_pool list. Pure (no I/O): the bench times this function.
import {builtRecorder} from '../analysis/built-recorder.js'
import {byCount, plural} from '../render/units.js'
import type {Recorder, RecorderCode} from '../types.js'
import {HOST_LIMITS, type Host, SECTION_BYTES, type Window, pageExtWindow, pfnPoolSize, validateHost} from './host.js'
import {type Interval, extrapolation, interval, intervalErrorsText} from './interval.js'
import {type Profile, inSeries, noIntervalReason} from './profile.js'
import {type DroppedPages, EARLY_ALLOC_PFN_MAX, LEGACY_OVERFLOW_MESSAGE, countedDroppedPages, replayDroppedPages, runLegacy} from './recorders/legacy.js'
import {runPool} from './recorders/pool.js'
import {type RecorderRun, newRun} from './recorders/result.js'
import {interleave} from './scheduler.js'
import {type CpuRanges, type SweepCaveat, evaluatedWords, runsOf, span, sweepCaveats} from './cpu-ranges.js'
import {type RangeFact, checkedFacts} from './terms.js'
import {MAX_REPLAY_EVENTS, type TermCount, buildWorkload, callsByCpus, eventsOf, expectedCounts} from './workload.js'

export type Tracker = 'legacy' | 'pool' | 'both'

export interface PredictOptions {
  tracker?: Tracker
  seed?: number
  /** EARLY_ALLOC_PFN_MAX (8192; v1 of the patch used 256). */
  legacyMax?: number
  /** 1-based tracking-page allocation attempts that fail. */
  poolFailAttempts?: ReadonlySet<number>
  jitter?: number
  /** The recorder the kernel carries (from the capture or --recorder), and how that is known. */
  recorder?: Recorder
  recorderReason?: string
  /**
   * The shipped profiles of the other kernel series for this host's window (profile.ts
   * otherSeries), when its kernel is not known: the intervals cover their predictions too.
   */
  otherSeries?: readonly Profile[]
}

/** The kernel as it is: what its own recorder (or the lack of one) leaves behind. */
export interface KernelOutcome {
  /** PFNs the kernel's recorder stores (0 without one), with the 90 % interval. */
  recorded: Interval
  /**
   * Calls LEFT untagged (the one home of the term): early allocations whose tag reference nobody
   * ever sets, neither at allocation (no page_ext yet) nor by the recorder's walk: every early call
   * without a recorder, the dropped ones with one (0 on a pool kernel that drops none). Not the
   * kernel's klab `untagged_calls` (diff --predicted), which counts every call made before page_ext,
   * recorded or not: "untagged when made".
   */
  leftUntaggedCalls: Interval
  /** The pages of the calls left untagged. */
  leftUntaggedPages: Interval
  /** Of those, the pages whose free would warn "alloc_tag was not set" (DEBUG kernels only: 0 otherwise). */
  wouldWarnIfFreedPages: Interval
}

export interface Prediction {
  /** The recorder the kernel carries, said first: the legacy and pool runs below are what-ifs for the others. */
  recorder: Recorder
  recorderReason: string
  kernel?: KernelOutcome
  host: Host
  profile: string
  window: string
  windowReason: string
  poolSize: number
  /** Early page-allocation calls (PFNs offered to the recorder) and their pages, with 90 % intervals. */
  calls: Interval
  /** The predicted early pages (`pages`) with their 90 % interval: the profile's page terms, as calibrate fitted and cross-validated them. */
  pagesInterval: Interval
  /** How the interval was made, and how far outside the fitted range the host lies (empty: inside). */
  uncertainty: Uncertainty
  /** Profile terms evaluated for this host. */
  terms: TermCount[]
  /** The predicted early calls: calls.value. */
  events: number
  /** The predicted early pages: pagesInterval.value (what predict shows and diff --predicted compares). */
  pages: number
  /**
   * The pages the event-by-event replay allocated: its order mix puts the pages beyond one per
   * call in whole order-maxOrder blocks, so this is within half a block of `pages` (a 6.12 boot's
   * 70 extra pages become one order-8 block, 255). What the recorders' runs are made of, not the
   * prediction.
   */
  replayedPages: number
  /** Replayed event by event, or counted (past MAX_REPLAY_EVENTS). */
  mode: 'replayed' | 'counted'
  legacy?: RecorderRun
  pool?: RecorderRun
  notes: string[]
  /** What the host cannot be: predicted pages beyond its memory, nodes smaller than the model supports (hostWarnings). */
  warnings: string[]
}

export function predict(host: Host, profile: Profile, opts: PredictOptions = {}): Prediction {
  validateHost(host)
  const {exp, window, reason, events, fittedPages, unc, calls, pagesInterval} = earlyCounts(host, profile, opts.otherSeries)
  const legacyMax = opts.legacyMax ?? EARLY_ALLOC_PFN_MAX
  const poolSize = pfnPoolSize(host.pageSize, host.wordBytes)
  const notes = modelNotes(host, profile, window)
  const runs = recorderRuns(host, profile, opts, {events, pages: fittedPages, legacyMax, poolSize}, notes)
  if (runs.pages > runs.totalPfns) notes.push(`the replay's early pages (${runs.pages}) exceed the host's memory: PFNs wrap in the model`)
  const few = fewNote(profile.name, unc)
  if (few) notes.push(few)
  if (unc.extrapolation.length) {
    notes.push(`extrapolation: ${unc.extrapolation.join('; ')}; the interval is widened ×${unc.widen} (1 + log2 of the ratio per fact outside, ×2 for a yes/no fact no calibrated boot had, ×2 for another kernel series: a stated rule, not a fit)`)
  }
  // The recorder the kernel runs (none without DEBUG): its verdict, kernel outcome and severity follow; the runs stay what-ifs.
  const {recorder, recorderReason} = builtRecorder(host, givenCode(opts))
  return {
    recorder,
    recorderReason,
    kernel: kernelOutcome(recorder, host, {calls, pages: pagesInterval}, legacyMax, runs.droppedPages),
    host,
    profile: profile.name,
    window,
    windowReason: reason,
    poolSize,
    calls,
    pagesInterval,
    uncertainty: unc,
    terms: exp.byTerm,
    events,
    pages: pagesInterval.value,
    replayedPages: runs.pages,
    mode: events > MAX_REPLAY_EVENTS ? 'counted' : 'replayed',
    ...(runs.legacy ? {legacy: runs.legacy} : {}),
    ...(runs.pool ? {pool: runs.pool} : {}),
    notes,
    warnings: hostWarnings(host, pagesInterval.value),
  }
}

/** The predicted early calls (PFNs offered): a formula of the host, cheap enough for a sweep to evaluate at every CPU count of its range (eventsByCpus). */
function earlyEvents(host: Host, profile: Profile) {
  const exp = expectedCounts(host, profile)
  const {window, reason} = pageExtWindow(host)
  return {exp, window, reason, events: eventsOf(window, exp.calls)}
}

/**
 * earlyEvents' count at any CPU count (possible = online) of the host, for the sweep's every-count
 * scans: the window (no CPU count moves it) and the terms' fixed part made once (workload.ts callsByCpus).
 */
function eventsByCpus(host: Host, profile: Profile): (cpus: number) => number {
  const {window} = pageExtWindow(host)
  const calls = callsByCpus(host, profile)
  return (n) => eventsOf(window, calls(n))
}

/** The early counts and their intervals, without replaying anything. */
function earlyCounts(host: Host, profile: Profile, otherSeries?: readonly Profile[]) {
  const {exp, window, reason, events} = earlyEvents(host, profile)
  const fittedPages = events ? Math.max(events, Math.round(exp.pages)) : 0
  const own = window === 'none' ? {...NO_WINDOW} : uncertainty(host, profile)
  // The fitted page count is the prediction, not the replay's (replayedPages): calibrate's page
  // interval is made from the fitted count's leave-one-out errors, so it is centred on this one.
  const {calls, pagesInterval, unc} = coverSeries(host, window, otherSeries, fittedIntervals(events, fittedPages, own), own)
  return {exp, window, reason, events, fittedPages, unc, calls, pagesInterval}
}

/**
 * A host no boot can be: more early pages than it has memory (--cpus 8191 on 1 GiB predicted
 * 1.6 GiB), or NUMA nodes below one memory section each (memory split evenly: the per-node and
 * section terms, and page_ext's window, assume whole sections per node).
 */
function hostWarnings(host: Host, pages: number): string[] {
  const out: string[] = []
  const total = Math.floor(host.memoryBytes / host.pageSize)
  if (pages > total) out.push(`the predicted early pages (${pages}) exceed the host's memory (${total} pages of ${host.pageSize / 1024} KiB): no boot of this host looks like this; the host is beyond what the model describes`)
  const perNode = host.memoryBytes / host.nodes
  const mib = (b: number) => `${Math.round((b / 2 ** 20) * 100) / 100} MiB`
  const share = host.nodes === 1 ? `the one NUMA node has ${mib(perNode)}` : `${host.nodes} NUMA nodes share ${Math.round(host.memoryBytes / 2 ** 20)} MiB: ${mib(perNode)} per node`
  if (perNode < SECTION_BYTES) out.push(`${share}, below the ${SECTION_BYTES / 2 ** 20} MiB (one memory section) per node the model supports`)
  return out
}

export interface Fitted {
  calls: Interval
  pagesInterval: Interval
}

function fittedIntervals(events: number, fittedPages: number, unc: Uncertainty): Fitted {
  const calls = interval(events, unc.q, unc.widen)
  return {calls, pagesInterval: atLeast(interval(fittedPages, unc.pageQ, unc.widen), calls)}
}

/**
 * A host whose kernel is not known may run any series: its intervals stretch to cover each other
 * series' prediction for it (as if the kernel were of that series), said in the extrapolation of
 * the uncertainty returned (`unc` itself is left as it was).
 */
export function coverSeries(host: Host, window: Window, others: readonly Profile[] | undefined, own: Fitted, unc: Uncertainty): Fitted & {unc: Uncertainty} {
  if (host.kernel !== undefined || window === 'none' || !others?.length) return {...own, unc}
  const span = (a: Interval, b: Interval): Interval => ({value: a.value, low: Math.min(a.low, b.low), high: Math.max(a.high, b.high)})
  let out = own
  const covered: string[] = []
  for (const q of others) {
    const exp = expectedCounts(host, q)
    const events = eventsOf(window, exp.calls)
    const theirs = fittedIntervals(events, events ? Math.max(events, Math.round(exp.pages)) : 0, uncertainty(host, q, true))
    out = {calls: span(out.calls, theirs.calls), pagesInterval: span(out.pagesInterval, theirs.pagesInterval)}
    covered.push(`the intervals also cover the ${q.kernel} series' prediction (${q.name}: ${theirs.calls.value} (${theirs.calls.low}-${theirs.calls.high}) calls, ${theirs.pagesInterval.value} (${theirs.pagesInterval.low}-${theirs.pagesInterval.high}) pages)`)
  }
  return {...out, unc: {...unc, extrapolation: [...unc.extrapolation, ...covered]}}
}

/**
 * The recorder code a prediction is given (a capture's, --recorder's, a release's guess), 'unknown'
 * when none is: what analysis/built-recorder.ts builtRecorder applies the host's DEBUG to.
 */
export function givenCode(opts: Pick<PredictOptions, 'recorder' | 'recorderReason'>): RecorderCode {
  return {
    recorder: opts.recorder ?? 'unknown',
    recorderReason: opts.recorderReason ?? 'not known from the input: both recorders are run as what-ifs (give --recorder or a capture)',
  }
}

/**
 * Every early call takes at least one page: the pages interval's ends never fall below the calls'
 * (a wide pages interval reached 105 pages under 170 calls, a review), its value already does not.
 */
function atLeast(pages: Interval, calls: Interval): Interval {
  return {...pages, low: Math.max(pages.low, calls.low), high: Math.max(pages.high, calls.high)}
}

/** The recorders' runs, and the one count of the pages a full legacy array drops (recorders/legacy.ts). */
interface Runs {
  legacy?: RecorderRun
  pool?: RecorderRun
  pages: number
  totalPfns: number
  droppedPages: DroppedPages
}

interface RunSize {
  events: number
  /** The fitted early pages (at least one per call): what a counted run spreads over its calls. */
  pages: number
  legacyMax: number
  poolSize: number
}

/** Replays the early allocations through the recorders, or counts them past MAX_REPLAY_EVENTS (with a note). */
function recorderRuns(host: Host, profile: Profile, opts: PredictOptions, size: RunSize, notes: string[]): Runs {
  const tracker = opts.tracker ?? 'both'
  if (size.events > MAX_REPLAY_EVENTS) {
    notes.push(
      `${size.events} early allocations exceed the ${MAX_REPLAY_EVENTS} the model replays event by event: the recorders' counts are computed (legacy exact; pool without race frees, which need the replay), no PFNs are sampled`,
    )
    return countedRuns(size, tracker, host, profile.keptTaggedRate)
  }
  const w = buildWorkload(host, profile)
  const il = interleave(w, opts.seed ?? 1, opts.jitter)
  const runs: Runs = {pages: w.pages, totalPfns: w.totalPfns, droppedPages: replayDroppedPages(w, il)}
  if (tracker !== 'pool') runs.legacy = runLegacy(w, il, {max: size.legacyMax, wordBytes: host.wordBytes})
  if (tracker !== 'legacy') {
    runs.pool = runPool(w, il, {poolSize: size.poolSize, pageSize: host.pageSize, failAttempts: opts.poolFailAttempts, allocLatency: profile.params?.allocLatency})
  }
  return runs
}

export interface Uncertainty {
  level: number
  /** Half-width in units of the accuracy bound (tolerance.ts) at the value (interval.ts). */
  q: number
  /** Widening for extrapolation (1 inside the fitted range). */
  widen: number
  /** Captures whose errors gave q. */
  fittedOn: number
  /** What q is made of (interval.ts intervalErrorsText): 'new-host' (leave-one-shape-out or nested, the larger), absent for an older profile's leave-one-capture-out errors. */
  errors?: 'new-host'
  /** The pages' half-width (their own model's errors: calibrate's fitPages), in the same units; q when the profile has none. */
  pageQ: number
  pageFittedOn: number
  /** Too few boots for a 90 % quantile of the calls' errors (fewer than 9): q is the largest error × 1.5. */
  fewCaptures: boolean
  /** The same for the pages' own errors (pageQ, pageFittedOn): a profile can have enough of one and not the other. */
  pageFewCaptures: boolean
  /** How far outside the fitted range the host lies, one entry per fact (empty: inside). */
  extrapolation: string[]
  /** Why there is no interval (low = high = value then). */
  missing?: string
}

/**
 * The facts a profile's predictions are range-checked on (terms.ts checkedFacts), made once per
 * profile: a sweep's points, a fleet's hosts and the other series' shares all ask again.
 */
const checked = new WeakMap<Profile, readonly RangeFact[]>()
export function profileFacts(profile: Profile): readonly RangeFact[] {
  let facts = checked.get(profile)
  if (!facts) checked.set(profile, (facts = checkedFacts(profile.window, profile.terms.map((t) => t.id))))
  return facts
}

/**
 * The note for a half-width made of fewer than 9 errors: the calls' (fittedOn), the pages' own
 * (pageFittedOn), or both; a profile can have enough errors for one and not the other, and the
 * note names only the ones it is true of.
 */
function fewNote(name: string, unc: Uncertainty): string | undefined {
  const largest = (n: number) => (n === 1 ? 'its one error' : 'the largest of those errors')
  const calls = intervalErrorsText(unc)
  const pages = intervalErrorsText(unc, 'pages')
  if (unc.fewCaptures && unc.pageFewCaptures && unc.fittedOn === unc.pageFittedOn) {
    const kinds = calls === pages ? calls : `${calls} for the calls, ${pages} for the pages`
    return `interval: profile ${name} is fitted on ${plural(unc.fittedOn, 'boot')}, fewer than the 9 a 90 % quantile of their errors (${kinds}) needs: each half-width is ${largest(unc.fittedOn)} × 1.5`
  }
  const one = (what: string, kind: string, n: number) => `the ${what} half-width is made of the ${kind} ${byCount(n, 'error')} of ${plural(n, 'boot')}, fewer than the 9 a 90 % quantile needs: it is ${largest(n)} × 1.5`
  const parts = [...(unc.fewCaptures ? [one('early allocations', calls, unc.fittedOn)] : []), ...(unc.pageFewCaptures ? [one('early pages', pages, unc.pageFittedOn)] : [])]
  return parts.length ? `interval: profile ${name}: ${parts.join('; ')}` : undefined
}

/** `ofSeries`: predicted as if the kernel were of the profile's series (another series' share of an unknown kernel's interval). */
function uncertainty(host: Host, profile: Profile, ofSeries = false): Uncertainty {
  const iv = profile.provenance.interval
  // A kernel not known is not known to be of the profile's series: widened as another series is.
  const matches = ofSeries || (host.kernel !== undefined && inSeries(host.kernel, profile.kernel))
  const ex = extrapolation(host, profile.range, {kernelMatches: matches, profileKernel: profile.kernel, facts: profileFacts(profile)})
  if (!iv) {
    const missing = `profile ${profile.name} has no 90 % interval: ${noIntervalReason(profile)}`
    return {level: 0, q: 0, widen: ex.widen, fittedOn: 0, pageQ: 0, pageFittedOn: 0, fewCaptures: false, pageFewCaptures: false, extrapolation: ex.outside, missing}
  }
  const pages = profile.provenance.pageInterval
  return {level: iv.level, q: iv.q, widen: ex.widen, fittedOn: iv.n, ...(iv.errors ? {errors: iv.errors} : {}), pageQ: pages?.q ?? iv.q, pageFittedOn: pages?.n ?? iv.n, fewCaptures: iv.fewCaptures, pageFewCaptures: pages?.fewCaptures ?? iv.fewCaptures, extrapolation: ex.outside}
}

/**
 * Compressed mode (the one host without an early window): no page_ext, so no page is allocated
 * before it and no recorder runs (domain.md §1-§2). Every count is 0 by the kernel's rule, not a
 * fit: no interval to make (interval(0, q) took the 8-PFN bound and said 0-4), no range to be in.
 */
const NO_WINDOW: Uncertainty = {level: 0, q: 0, widen: 1, fittedOn: 0, pageQ: 0, pageFittedOn: 0, fewCaptures: false, pageFewCaptures: false, extrapolation: [], missing: 'no early window (no page_ext): every count is exactly 0'}

/**
 * What the kernel itself does with its recorder. Without one no early page is ever tagged: all of
 * them stay untagged and, on a DEBUG kernel (the only one with the WARN), freeing any of them
 * warns. With one, only the PFNs it could not hold stay untagged. Unknown: no verdict.
 */
function kernelOutcome(recorder: Recorder, host: Host, early: {calls: Interval; pages: Interval}, legacyMax: number, droppedPages: DroppedPages): KernelOutcome | undefined {
  if (recorder === 'unknown') return undefined
  const {calls, pages} = early
  const zero: Interval = {value: 0, low: 0, high: 0}
  const warn = (iv: Interval) => (host.debug ? iv : zero)
  if (recorder === 'none') return {recorded: zero, leftUntaggedCalls: calls, leftUntaggedPages: pages, wouldWarnIfFreedPages: warn(pages)}
  if (recorder === 'pool') return {recorded: calls, leftUntaggedCalls: zero, leftUntaggedPages: zero, wouldWarnIfFreedPages: zero}
  const each = (iv: Interval, f: (x: number) => number): Interval => ({value: f(iv.value), low: f(iv.low), high: f(iv.high)})
  const over = each(calls, (x) => Math.max(0, x - legacyMax))
  // The dropped calls' own pages, as the legacy run counts them (the last calls issued, each with
  // its order): the same number in this block and in the legacy row, at each end of the interval.
  const leftUntaggedPages = each(over, droppedPages)
  return {recorded: each(calls, (x) => Math.min(x, legacyMax)), leftUntaggedCalls: over, leftUntaggedPages, wouldWarnIfFreedPages: warn(leftUntaggedPages)}
}

function modelNotes(host: Host, profile: Profile, window: string): string[] {
  const notes: string[] = []
  if (window !== 'none' && window !== profile.window) {
    notes.push(`profile ${profile.name} describes the ${profile.window} window but this host has page_ext ${window}: counts are extrapolated`)
  }
  if (host.pageSize !== 4096 || host.wordBytes !== 8) {
    notes.push(`the profiles were fitted on 4 KiB pages, 64-bit: with ${host.pageSize / 1024} KiB pages, ${host.wordBytes * 8}-bit the call counts are extrapolated (PFN_POOL_SIZE is exact)`)
  }
  if (host.kasan || host.kmemleak || profile.kasan) notes.push(...kasanNotes(host, profile, window))
  // A host without GB pages: counted only by a profile fitted with the noGbPages term.
  if (host.gbPages === false && !profile.terms.some((t) => t.id === 'noGbPages')) {
    notes.push(`no GB pages: profile ${profile.name} has no noGbPages term, so the extra early page-table pages of a 2 MiB direct map are not counted`)
  }
  // lib/alloc_tag.c builds both recorders and the WARN only under CONFIG_MEM_ALLOC_PROFILING_DEBUG.
  if (!host.debug) {
    notes.push(
      'without MEM_ALLOC_PROFILING_DEBUG the kernel builds neither recorder and never warns "alloc_tag was not set": the recorder rows are what one would hold in this window (a DEBUG kernel with early_page_ext off, as the lab\'s legacylate and poollate kernels, records exactly this)',
    )
  }
  if (profile.params?.allocLatency !== undefined) {
    notes.push(
      `race model: the tracking page's allocation latency (${profile.params.allocLatency} event gaps) is an assumption, not a measurement: no lab boot ever lost the publishing cmpxchg, so it is the latency at which seeing none over those boots is even odds; race frees scale with it`,
    )
  }
  return notes
}

/**
 * The recorders' counts without replaying (past MAX_REPLAY_EVENTS): the legacy array keeps the
 * first legacyMax PFNs whatever the interleaving; the pool keeps every PFN in ceil(n / size)
 * pools. Race frees and the accounting hazard need the replay: reported as 0 with a note.
 */
function countedRuns(size: RunSize, tracker: Tracker, host: Host, keptRate: number): Runs {
  const {events, legacyMax, poolSize} = size
  const kept = Math.round(keptRate * events)
  const droppedPages = countedDroppedPages(size.pages / events)
  const out: Runs = {pages: size.pages, totalPfns: Math.floor(host.memoryBytes / host.pageSize), droppedPages}
  if (tracker !== 'pool') {
    const r = newRun('legacy', events, legacyMax * host.wordBytes)
    r.recorded = Math.min(events, legacyMax)
    r.dropped = events - r.recorded
    if (r.dropped) {
      r.overflow = {text: LEGACY_OVERFLOW_MESSAGE(legacyMax), atEvent: legacyMax + 1, time: legacyMax, cpu: 0}
      r.warnings.push(r.overflow)
      r.wouldWarnIfFreed = {calls: r.dropped, pages: droppedPages(r.dropped), sample: []}
    }
    r.clearPass = {keptTagged: Math.round(keptRate * r.recorded), setEmpty: r.recorded - Math.round(keptRate * r.recorded)}
    out.legacy = r
  }
  if (tracker !== 'legacy') {
    const r = newRun('pool', events, 0)
    r.recorded = events
    r.poolsPublished = r.trackingPagesAllocated = r.noCodetagCalls = Math.ceil(events / poolSize)
    r.trackingBytesPeak = r.poolsPublished * host.pageSize
    r.leakedAccounting = {expected: 0, worstCase: r.poolsPublished, bytes: 0}
    r.clearPass = {keptTagged: kept, setEmpty: events - kept}
    out.pool = r
  }
  return out
}

export interface SweepPoint {
  cpus: number
  events: number
  /** The 90 % interval of the early count, and its widening outside the profile's fitted range (1 inside; the caveats say why). */
  low: number
  high: number
  widened: number
  legacyRecorded?: number
  legacyDropped?: number
  poolRecorded?: number
  poolsPublished?: number
  raceFrees?: number
}

export interface CountFall {
  cpus: number
  /** The early count at cpus - 1, and at cpus. */
  before: number
  after: number
  terms: string[]
}

export interface Sweep {
  points: SweepPoint[]
  /** The swept range, LO..HI. */
  swept: [number, number]
  /**
   * Where the predicted early count exceeds the legacy array: evaluated at every CPU count of the
   * range (the count is a formula of the host), so exact, whether or not it rises with CPUs.
   */
  overflows: CpuRanges
  /** The smallest CPU count of the range at which the legacy array overflows (a crossing only when above LO). */
  overflowAt?: number
  /**
   * Kept for compatibility (JSON readers of before 983e0ed; `overflows` and `intervalAbove` say more):
   * with overflowAt only, the 90 % interval's crossings of the array, [where its high end first lies
   * above it, where its low end does (null: at no swept point)], each by bisection between two
   * swept points, now always inside the range.
   */
  overflowRange?: [number, number | undefined]
  /**
   * Where the predicted count falls as CPUs grow (from cpus - 1 to cpus), with the profile's terms
   * that fall there: 7.2's perCpuSlabs at 8 and 128 CPUs (and 32768 after SMP), where the slab order grows. Then
   * the array may overflow at some counts and not at more: `overflows` has a range for each stretch.
   */
  falls: CountFall[]
  /** The 90 % interval against the array, at the swept points only: where its high end lies above it, and where its low end does. */
  intervalAbove: {high: CpuRanges; low: CpuRanges}
  /** Why it never overflows in the range, and where it does beyond it (`beyond`). */
  noOverflowReason?: string
  /** When it never overflows in the range: the CPU counts above it evaluated, and the first at which the model's count overflows. */
  beyond?: OverflowBeyond
  legacyMax: number
  /** The points' notes and warnings (extrapolation, few boots, a host no boot can be, ...), each once with the points it applies to. */
  caveats: SweepCaveat[]
}

/**
 * The CPU counts outside a swept range, each evaluated: from..upTo above it (overflowAt: the first
 * whose count, events, overflows the array; overflows: every stretch that does) and 1..LO-1 below it.
 */
export interface OverflowBeyond {
  from: number
  upTo: number
  /** What bounds upTo: the kernel's NR_CPUS when known (CpuLimit), else the most allocscope models. */
  limit: string
  overflowAt?: number
  events?: number
  overflows: CpuRanges
  below?: {from: number; upTo: number; overflows: CpuRanges}
}

/** The most CPUs the host's kernel can have (NR_CPUS, as its log printed it), and where that is known from. */
export interface CpuLimit {
  cpus: number
  what: string
}

/** N points spread over lo..hi: every integer when few, else geometric (the curve spans decades). */
export function sweepCpus(lo: number, hi: number, points = 64): number[] {
  if (hi - lo + 1 <= points) return Array.from({length: hi - lo + 1}, (_, i) => lo + i)
  const out = new Set<number>()
  for (let i = 0; i < points; i++) out.add(Math.round(lo * (hi / lo) ** (i / (points - 1))))
  let extra = lo
  while (out.size < points && extra <= hi) out.add(extra++)
  return [...out].sort((a, b) => a - b)
}

/** Sweeps possible = online CPUs over the list (ascending); where the legacy array overflows, at every CPU count between its ends. */
export function sweep(host: Host, profile: Profile, cpus: number[], opts: PredictOptions = {}, limit?: CpuLimit): Sweep {
  const legacyMax = opts.legacyMax ?? EARLY_ALLOC_PFN_MAX
  const withCpus = (n: number): Host => ({...host, possibleCpus: n, onlineCpus: n})
  const preds = cpus.map((n) => predict(withCpus(n), profile, {...opts, tracker: opts.tracker ?? 'both'}))
  const points = preds.map((p, i) => sweepPoint(cpus[i], p))
  const swept: [number, number] = [cpus[0], cpus[cpus.length - 1]]
  const eventsAt = eventsByCpus(host, profile)
  // The swept points' counts and terms are their predictions', not evaluated again.
  const known = new Map(preds.map((p, i) => [cpus[i], p]))
  const at: CountAt = {events: (n) => known.get(n)?.events ?? eventsAt(n), terms: (n) => known.get(n)?.terms ?? expectedCounts(withCpus(n), profile).byTerm}
  const {overflows, falls} = everyCount(swept, at, legacyMax)
  const intervalAbove = {high: runsOf(cpus, (i) => points[i].high > legacyMax), low: runsOf(cpus, (i) => points[i].low > legacyMax)}
  const callsAt = (n: number) => earlyCounts(withCpus(n), profile, opts.otherSeries).calls
  const overflowAt = overflows.length ? {overflowAt: overflows[0][0], overflowRange: overflowRange(points, overflows[0][0], legacyMax, callsAt)} : {}
  const out: Sweep = {points, swept, overflows, ...overflowAt, falls, intervalAbove, legacyMax, caveats: sweepCaveats(cpus, preds)}
  if (overflows.length) return out
  out.beyond = overflowBeyond(swept, eventsAt, legacyMax, limit)
  out.noOverflowReason = noOverflowReason(points, legacyMax, out.beyond)
  return out
}

/**
 * Sweep.overflowRange: where the 90 % interval's high end, then its low end, first lies above the
 * array, by bisection between the last swept point below and the first above (the high end's at
 * overflowAt at the latest, the count being above the array there), never below LO.
 */
function overflowRange(points: SweepPoint[], overflowAt: number, legacyMax: number, callsAt: (n: number) => Interval): [number, number | undefined] {
  const cross = (end: 'high' | 'low', upper = Infinity): number | undefined => {
    const i = points.findIndex((p) => p[end] > legacyMax)
    let b = Math.min(upper, i < 0 ? Infinity : points[i].cpus)
    if (b === Infinity) return undefined
    let a = Math.max(points[0].cpus - 1, ...points.filter((p) => p.cpus < b).map((p) => p.cpus))
    while (b - a > 1) {
      const m = (a + b) >> 1
      if (callsAt(m)[end] > legacyMax) b = m
      else a = m
    }
    return b
  }
  return [cross('high', overflowAt) ?? overflowAt, cross('low')]
}

/**
 * Where the model's count overflows the array outside the swept range: evaluated at every CPU
 * count below it (1..LO-1) and above it (HI + 1 up to the kernel's NR_CPUS when known, else
 * HOST_LIMITS.cpus, the largest NR_CPUS a host may have); a formula of the host, ~65536 counts in 0.1 s. The count need not grow with the CPUs
 * (it falls where the slab order grows), so the array may fill and empty again: each stretch is kept.
 */
function overflowBeyond([lo, hi]: [number, number], eventsAt: (n: number) => number, legacyMax: number, limit: CpuLimit = MODELLED): OverflowBeyond {
  const upTo = limit.cpus
  const over = (a: number, b: number) => {
    const every = cpuSpan(a, b)
    const events = every.map(eventsAt)
    return {events, runs: runsOf(every, (i) => events[i] > legacyMax)}
  }
  const above = over(hi + 1, upTo)
  const first = above.runs.length ? above.runs[0][0] : undefined
  const out: OverflowBeyond = {from: hi + 1, upTo, limit: limit.what, ...(first === undefined ? {} : {overflowAt: first, events: above.events[first - hi - 1]}), overflows: above.runs}
  if (lo > 1) out.below = {from: 1, upTo: lo - 1, overflows: over(1, lo - 1).runs}
  return out
}

/** Every CPU count from a to b (none when b < a). */
const cpuSpan = (a: number, b: number): number[] => Array.from({length: Math.max(0, b - a + 1)}, (_, i) => a + i)

/** A sweep's count at a CPU count, and its terms (asked for only where the count falls). */
interface CountAt {
  events: (n: number) => number
  terms: (n: number) => TermCount[]
}

/** The count at every CPU count of the range: where it overflows the array, and where it falls as CPUs grow (the terms that fall there). */
function everyCount([lo, hi]: [number, number], at: CountAt, legacyMax: number): Pick<Sweep, 'overflows' | 'falls'> {
  const every = cpuSpan(lo, hi)
  const events = every.map(at.events)
  const falls = every.flatMap((n, i) => {
    if (i === 0 || events[i] >= events[i - 1]) return []
    const [before, after] = [at.terms(n - 1), at.terms(n)]
    return [{cpus: n, before: events[i - 1], after: events[i], terms: after.filter((t, k) => t.calls < before[k].calls).map((t) => t.id)}]
  })
  return {overflows: runsOf(every, (i) => events[i] > legacyMax), falls}
}

function sweepPoint(n: number, p: Prediction): SweepPoint {
  return {
    cpus: n,
    events: p.events,
    low: p.calls.low,
    high: p.calls.high,
    widened: p.uncertainty.widen,
    legacyRecorded: p.legacy?.recorded,
    legacyDropped: p.legacy?.dropped,
    poolRecorded: p.pool?.recorded,
    poolsPublished: p.pool?.poolsPublished,
    raceFrees: p.pool?.raceFrees,
  }
}

/** The most the range offers against the array, and where the model's count overflows it outside the range, below and above (overflowBeyond). */
function noOverflowReason(points: SweepPoint[], legacyMax: number, beyond: OverflowBeyond): string {
  const last = points[points.length - 1]
  const most = `at most ${Math.max(...points.map((p) => p.events))} early PFNs in the range (${last.events} at ${plural(last.cpus, 'CPU')}) against ${legacyMax} slots`
  const below = beyond.below && `below it, ${beyond.below.overflows.length ? `the model's count overflows the array at ${stretchList(beyond.below.overflows)} CPUs` : 'the array does not fill either'}`
  const evaluated: CpuRanges = [...(beyond.below ? [[1, beyond.below.upTo] as [number, number]] : []), ...(beyond.from <= beyond.upTo ? [[beyond.from, beyond.upTo] as [number, number]] : [])]
  const parts = [below, `above it, ${aboveWords(beyond)}`].filter((t): t is string => !!t)
  return `${most}; outside the swept range: ${parts.join('; ')}${evaluated.length ? ` (${evaluatedWords(evaluated)})` : ''}`
}

/** No NR_CPUS known: the search past the range runs to the most CPUs allocscope models. */
const MODELLED: CpuLimit = {cpus: HOST_LIMITS.cpus, what: 'the most allocscope models'}

/** Above the swept range: where the model's count first overflows the array, and where it stops again. */
function aboveWords(b: OverflowBeyond): string {
  if (b.from > b.upTo) return `none: the range ${b.from - 1 > b.upTo ? 'goes past' : 'reaches'} ${b.upTo} CPUs, ${b.limit}`
  if (b.overflowAt === undefined) return `the array does not fill either, up to ${b.upTo} CPUs (${b.limit})`
  const first = `the model's count first overflows the array at ${b.overflowAt} CPUs (${b.events} early PFNs)`
  const gaps: CpuRanges = b.overflows.slice(1).map(([a], i) => [b.overflows[i][1] + 1, a - 1])
  if (gaps.length) return `${first}, and overflows at ${stretchList(b.overflows)} CPUs, not at ${stretchList(gaps)} between them`
  return b.overflows[0][1] < b.upTo ? `${first}, up to ${b.overflows[0][1]} CPUs only` : first
}

/** At most four stretches of CPU counts, in words. */
const stretchList = (r: CpuRanges) => r.slice(0, 4).map(span).join(', ') + (r.length > 4 ? ` and ${r.length - 4} more` : '')

/**
 * What the model knows about KASAN and kmemleak (evidence: lab/captures/lab-7.2-notrack-* before SMP,
 * lab-7.2-legacylate-kasan-* after it; test/model/kasan.test.ts). The lab measured the two only
 * together, in KASAN (generic, inline) + kmemleak builds.
 */
function kasanNotes(host: Host, profile: Profile, window: string): string[] {
  const which = [host.kasan && 'KASAN', host.kmemleak && 'kmemleak'].filter(Boolean).join(' and ')
  const alone = host.kasan && !host.kmemleak ? '; KASAN without kmemleak was never measured, so this host gets kmemleak\'s share too' : ''
  if (profile.kasan) {
    const n = profile.provenance.captures.length
    return [
      host.kasan
        ? `${which} counted: profile ${profile.name} is fitted on ${n} KASAN + kmemleak ${byCount(n, 'boot')} only (after SMP KASAN changes the per-CPU shape of the early window, not just its size)${alone}`
        : `profile ${profile.name} is fitted on KASAN + kmemleak boots only and this host has no KASAN: its counts are a KASAN kernel's (1.25 to 1.53 times the same kernel without it, on the lab's 7.2 after SMP)`,
    ]
  }
  const kasanTerms = profile.terms.filter((t) => t.id === 'kasan' || t.id === 'kasanPossibleCpus')
  if (kasanTerms.length > 0) {
    const fittedOn = profile.provenance.captures.filter((c) => (c.values.kasan ?? 0) > 0).length
    return [
      `${which} counted by the profile's KASAN terms (${kasanTerms.map((t) => t.id).join(', ')}), fitted on ${fittedOn} KASAN + kmemleak ${byCount(fittedOn, 'boot')}${host.kasan ? '' : '; kmemleak alone was never measured, so this host gets none of it'}`,
    ]
  }
  if (window === 'before-smp') {
    return [
      `${which} not counted: before SMP the lab's 7.2 KASAN + kmemleak kernel made 0 to 6 more early page allocations than the profile without them predicts (1-64 CPUs, within the bound)`,
    ]
  }
  return [
    `${which} NOT counted by profile ${profile.name} (fitted without KASAN), and it matters here: after SMP the lab's 7.2 KASAN + kmemleak kernel made 1.25 to 1.53 times the early page allocations of the same kernel without them (1-128 CPUs), beyond its bound; a profile fitted on KASAN boots counts it (predict picks one for a KASAN host when its kernel has one: 7.2 does; other kernels not measured)`,
  ]
}
