// Capture vs capture for /proc/allocinfo, in the layout of the kernel's scripts/bloat-o-meter:
//   add/remove: A/R grow/shrink: G/S up/down: +U/-D (net)
//   site  old  new  delta
//   Total: Before=X, After=Y, chg +p.pp%
// Pure functions over AllocInfo: no I/O, deterministic whatever the order of the input lines.
import type {AllocAnomaly, AllocInfo, AllocSite} from '../types.js'
import {type ScopeSources, type SiteScope, anomalySite, anomalyTotal, hasScope, inScope, scopedAnomalies, siteScope} from '../allocinfo/scope.js'
import {totalsOf} from '../allocinfo/select.js'

export type AllocMetric = 'bytes' | 'calls'
export const ALLOC_METRICS: readonly AllocMetric[] = ['bytes', 'calls']

/** abs: |delta| descending (default); delta: signed descending (bloat-o-meter's own order). */
export type AllocSort = 'abs' | 'delta' | 'old' | 'new' | 'rel' | 'site'
export const ALLOC_SORTS: readonly AllocSort[] = ['abs', 'delta', 'old', 'new', 'rel', 'site']

/**
 * site: `file:line func` as the kernel prints it (default); func: `file func`, ignoring the line,
 * so that two kernel versions whose line numbers moved can still be compared site by site.
 */
export type AllocKeyBy = 'site' | 'func'
export const ALLOC_KEYS: readonly AllocKeyBy[] = ['site', 'func']

export type SiteStatus = 'new' | 'gone' | 'grow' | 'shrink' | 'same'

export interface AllocDiffOptions {
  metric?: AllocMetric
  sort?: AllocSort
  /** Rows with |delta| below this (on the metric) are folded into the others row. Default 1. */
  minDelta?: bigint
  /** Keep at most N rows; the rest are folded into an `[N others]` row. */
  top?: number
  /** JavaScript regular expressions, as in `allocscope allocinfo` (and the 2026 allocinfo ioctl's filters). */
  filter?: ScopeSources
  /** `filter` compiled (allocinfo/scope.ts siteScope) when the caller has it, so a run compiles it once (compiledFilter). */
  scope?: SiteScope
  keyBy?: AllocKeyBy
}

/** The options' filter compiled: the caller's compiled one (`scope`), else compiled here (a bad expression: siteScope's usage error). */
export const compiledFilter = (o: Pick<AllocDiffOptions, 'filter' | 'scope'>): SiteScope => o.scope ?? siteScope(o.filter ?? {})

export interface AllocDiffRow {
  key: string
  file: string
  lineNo: number
  func: string
  module?: string
  status: SiteStatus
  /** undefined when the site is absent on that side (bloat-o-meter prints `-`). */
  oldBytes?: bigint
  newBytes?: bigint
  deltaBytes: bigint
  oldCalls?: bigint
  newCalls?: bigint
  deltaCalls: bigint
  /** `accurate:no` on either side. */
  inaccurate: boolean
}

export interface AllocDiffSummary {
  add: number
  remove: number
  grow: number
  shrink: number
  /** Sum of positive deltas (new sites included). */
  up: bigint
  /** Sum of negative deltas as a non-positive number (gone sites included). */
  down: bigint
  net: bigint
  before: bigint
  after: bigint
  /** (after − before) / before × 100, or null when before is 0. */
  changePct: number | null
}

export interface OthersRow {
  count: number
  deltaBytes: bigint
  deltaCalls: bigint
}

export interface AllocDiff {
  a: string
  b: string
  metric: AllocMetric
  sort: AllocSort
  /** Summary on the chosen metric, over every site that passed the filter. */
  summary: AllocDiffSummary
  /** The same summary for both metrics. */
  summaries: Record<AllocMetric, AllocDiffSummary>
  /** Rows shown (after --min-delta and --top), in display order. */
  rows: AllocDiffRow[]
  /** Changed sites not shown (on either metric): their deltas, so that Σ rows + others = net on both metrics. */
  others: OthersRow | null
  /** Sites compared after filtering (union of both sides). */
  sitesCompared: number
  filter: ScopeSources
  keyBy: AllocKeyBy
  /**
   * Accounting anomalies the reader flagged (negative bytes, wrapped calls, invalid counters, a key
   * listed twice: every kind `allocinfo` grades): those only in b appeared, those only in a were
   * fixed. Their deltas mean little.
   */
  anomalies: {
    appeared: AllocAnomaly[]
    gone: AllocAnomaly[]
    both: number
    /**
     * A side with more anomalies than the reader kept (MAX_ANOMALIES of a kind): how many it counted
     * and kept; only the kept are compared (listed, gated on). Absent when every one was kept.
     */
    notCompared?: {a?: Capped; b?: Capped}
  }
  /**
   * With --module/--file/--function: the anomalies of either dump (each kind and site once) at sites
   * they leave out (not shown, not gated on), as allocinfo's, trend's and one capture's.
   */
  anomaliesOutsideFilters?: number
}

/** A dump's anomalies, every one counted, and those the reader kept. */
export interface Capped {
  counted: number
  kept: number
}

/** A site after summing: the reader's own AllocSite when its key is unique (no copy). */
type Side = Pick<AllocSite, 'bytes' | 'calls' | 'accurate' | 'file' | 'lineNo' | 'func' | 'module'>

/** What a site is matched by: its key (`--key site`), or `file func [module]` (`--key func`: lines moved between versions). */
const keyOf = (s: Pick<AllocSite, 'key' | 'file' | 'func' | 'module'>, keyBy: AllocKeyBy): string =>
  keyBy === 'site' ? s.key : `${s.file} ${s.func}${s.module !== undefined ? ` [${s.module}]` : ''}`

/** Sums duplicate keys (inlined helpers print the same file:line func more than once), of the sites in scope. */
function sumByKey(sites: readonly AllocSite[], scope: SiteScope, keyBy: AllocKeyBy): Map<string, Side> {
  const m = new Map<string, Side>()
  const scoped = hasScope(scope)
  for (const s of sites) {
    if (scoped && !inScope(s, scope)) continue
    const key = keyOf(s, keyBy)
    const cur = m.get(key)
    // Copy only on a duplicate: the common case (the reader already summed) allocates nothing.
    if (cur) m.set(key, {file: cur.file, lineNo: cur.lineNo, func: cur.func, module: cur.module, bytes: cur.bytes + s.bytes, calls: cur.calls + s.calls, accurate: cur.accurate && s.accurate})
    else m.set(key, s)
  }
  return m
}

/**
 * One capture's dump as the filters see it, as the two-dump diff sees each side (sumByKey,
 * diffAnomalies): the sites they keep, their totals and their anomalies (scope.ts scopedAnomalies);
 * `outside`: the anomalies at other sites, `notes`: the warnings scopedAnomalies gives.
 */
export function scopeDump(info: AllocInfo, scope: SiteScope): {info: AllocInfo; outside: number; notes: string[]} {
  if (!hasScope(scope)) return {info, outside: 0, notes: []}
  const sites = info.sites.filter((s) => inScope(s, scope))
  const t = totalsOf(sites)
  const {anomalies, anomalyCounts, outside, notes} = scopedAnomalies(info, scope)
  return {info: {...info, sites, totalBytes: t.bytes, totalCalls: t.calls, anomalies, anomalyCounts}, outside, notes}
}

const abs = (n: bigint) => (n < 0n ? -n : n)
const cmpBig = (x: bigint, y: bigint) => (x < y ? -1 : x > y ? 1 : 0)
const cmpStr = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0)

function statusOf(old: Side | undefined, nu: Side | undefined, d: bigint): SiteStatus {
  if (!old) return 'new'
  if (!nu) return 'gone'
  return d > 0n ? 'grow' : d < 0n ? 'shrink' : 'same'
}

function summarise(rows: AllocDiffRow[], metric: AllocMetric, before: bigint, after: bigint): AllocDiffSummary {
  const s: AllocDiffSummary = {add: 0, remove: 0, grow: 0, shrink: 0, up: 0n, down: 0n, net: 0n, before, after, changePct: null}
  for (const r of rows) {
    const d = metric === 'bytes' ? r.deltaBytes : r.deltaCalls
    // bloat-o-meter counts adds/removes by presence and grows/shrinks by the sign of the delta.
    if (r.status === 'new') s.add++
    else if (r.status === 'gone') s.remove++
    else if (d > 0n) s.grow++
    else if (d < 0n) s.shrink++
    if (d > 0n) s.up += d
    else s.down += d
  }
  s.net = s.up + s.down
  // Relative to |before|: a total going from -4096 to 4096 grew by 200%, it did not shrink.
  s.changePct = before === 0n ? null : (Number(after - before) * 100) / Math.abs(Number(before))
  return s
}

function rel(r: AllocDiffRow, metric: AllocMetric): number {
  const old = metric === 'bytes' ? r.oldBytes : r.oldCalls
  const d = metric === 'bytes' ? r.deltaBytes : r.deltaCalls
  if (old === undefined || old === 0n) return d === 0n ? 0 : Infinity
  return Math.abs(Number(d) / Number(old))
}

function comparator(sort: AllocSort, metric: AllocMetric): (x: AllocDiffRow, y: AllocDiffRow) => number {
  const d = (r: AllocDiffRow) => (metric === 'bytes' ? r.deltaBytes : r.deltaCalls)
  const o = (r: AllocDiffRow) => (metric === 'bytes' ? r.oldBytes : r.oldCalls) ?? 0n
  const n = (r: AllocDiffRow) => (metric === 'bytes' ? r.newBytes : r.newCalls) ?? 0n
  const primary: Record<AllocSort, (x: AllocDiffRow, y: AllocDiffRow) => number> = {
    abs: (x, y) => cmpBig(abs(d(y)), abs(d(x))) || cmpBig(d(y), d(x)),
    delta: (x, y) => cmpBig(d(y), d(x)),
    old: (x, y) => cmpBig(o(y), o(x)),
    new: (x, y) => cmpBig(n(y), n(x)),
    rel: (x, y) => rel(y, metric) - rel(x, metric) || cmpBig(abs(d(y)), abs(d(x))),
    site: () => 0,
  }
  // The key breaks ties so the output never depends on the order of the input lines.
  return (x, y) => primary[sort](x, y) || cmpStr(x.key, y.key)
}

interface Changed {
  rows: AllocDiffRow[]
  compared: number
  totals: Record<AllocMetric, [bigint, bigint]>
}

/**
 * changedSites without a filter, keyed by site: the reader already summed each side by that key,
 * so one Map (b's keys to indexes) does, and the totals are the reader's. The same rows in the same
 * order as the general path; `diff` of two 20 000-site captures runs this, start-up included.
 */
function changedPlain(a: AllocInfo, b: AllocInfo): Changed {
  const at = new Map<string, number>()
  for (let j = 0; j < b.sites.length; j++) at.set(b.sites[j]!.key, j)
  // AllocInfo holds one site per key; an input that broke that would lose sites here.
  if (at.size !== b.sites.length) return changedSummed(a, b, {}, 'site')
  const matched = new Uint8Array(b.sites.length)
  const gone = new Set<string>()
  const rows: AllocDiffRow[] = []
  for (const old of a.sites) {
    const j = at.get(old.key)
    const nu = j === undefined ? undefined : b.sites[j]
    // A key twice in a (a damaged recording can hold one): sum it as the general path does.
    if (j === undefined ? gone.has(old.key) : matched[j] === 1) return changedSummed(a, b, {}, 'site')
    if (j === undefined) gone.add(old.key)
    else matched[j] = 1
    if (nu !== undefined && nu.bytes === old.bytes && nu.calls === old.calls) continue
    rows.push(makeRow(old.key, old, nu))
  }
  let compared = a.sites.length
  for (let j = 0; j < b.sites.length; j++) {
    if (matched[j]) continue
    compared++
    rows.push(makeRow(b.sites[j]!.key, undefined, b.sites[j]))
  }
  return {rows, compared, totals: {bytes: [a.totalBytes, b.totalBytes], calls: [a.totalCalls, b.totalCalls]}}
}

/**
 * Every site whose bytes or calls differ, or that exists on one side only. Unsorted. The filter's
 * sources compiled here: diffAllocInfo compiles them once per run and calls changedIn (tests call this).
 */
export function changedSites(a: AllocInfo, b: AllocInfo, filter: ScopeSources = {}, keyBy: AllocKeyBy = 'site'): Changed {
  return changedIn(a, b, siteScope(filter), keyBy)
}

/** changedSites with its filter compiled. */
function changedIn(a: AllocInfo, b: AllocInfo, scope: SiteScope, keyBy: AllocKeyBy): Changed {
  return keyBy === 'site' && !hasScope(scope) ? changedPlain(a, b) : changedSummed(a, b, scope, keyBy)
}

/** changedSites by summing each side by the key (`func` keys merge sites; a filter drops some). */
function changedSummed(a: AllocInfo, b: AllocInfo, scope: SiteScope, keyBy: AllocKeyBy): Changed {
  const A = sumByKey(a.sites, scope, keyBy)
  const B = sumByKey(b.sites, scope, keyBy)
  const rows: AllocDiffRow[] = []
  const totals: Record<AllocMetric, [bigint, bigint]> = {bytes: [0n, 0n], calls: [0n, 0n]}
  let compared = A.size
  for (const [key, old] of A) {
    totals.bytes[0] += old.bytes
    totals.calls[0] += old.calls
    const nu = B.get(key)
    // Most sites do not move: compare before computing any delta (bigint arithmetic allocates).
    if (nu !== undefined && nu.bytes === old.bytes && nu.calls === old.calls) continue
    rows.push(makeRow(key, old, nu))
  }
  for (const [key, nu] of B) {
    totals.bytes[1] += nu.bytes
    totals.calls[1] += nu.calls
    if (A.has(key)) continue
    compared++
    rows.push(makeRow(key, undefined, nu))
  }
  return {rows, compared, totals}
}

function makeRow(key: string, old: Side | undefined, nu: Side | undefined): AllocDiffRow {
  const deltaBytes = (nu?.bytes ?? 0n) - (old?.bytes ?? 0n)
  const deltaCalls = (nu?.calls ?? 0n) - (old?.calls ?? 0n)
  const status = statusOf(old, nu, deltaBytes)
  const s = (nu ?? old)!
  return {
    key,
    file: s.file,
    lineNo: s.lineNo,
    func: s.func,
    ...(s.module !== undefined ? {module: s.module} : {}),
    status,
    oldBytes: old?.bytes,
    newBytes: nu?.bytes,
    deltaBytes,
    oldCalls: old?.calls,
    newCalls: nu?.calls,
    deltaCalls,
    inaccurate: !(old?.accurate ?? true) || !(nu?.accurate ?? true),
  }
}

export function diffAllocInfo(a: AllocInfo, b: AllocInfo, opts: AllocDiffOptions = {}): AllocDiff {
  const metric = opts.metric ?? 'bytes'
  const sort = opts.sort ?? 'abs'
  const minDelta = opts.minDelta ?? 1n
  const filter = opts.filter ?? {}
  const keyBy = opts.keyBy ?? 'site'
  // Compiled once for the sites and the anomalies (once a run: the caller's, when it has it).
  const scope = compiledFilter(opts)
  const {rows: all, compared, totals} = changedIn(a, b, scope, keyBy)
  // Status follows the chosen metric (a site can grow in calls and shrink in bytes).
  if (metric === 'calls') for (const r of all) if (r.status !== 'new' && r.status !== 'gone') r.status = r.deltaCalls > 0n ? 'grow' : r.deltaCalls < 0n ? 'shrink' : 'same'
  const summaries = {
    bytes: summarise(all, 'bytes', ...totals.bytes),
    calls: summarise(all, 'calls', ...totals.calls),
  }
  const d = (r: AllocDiffRow) => (metric === 'bytes' ? r.deltaBytes : r.deltaCalls)
  const cmp = comparator(sort, metric)
  const eligible: AllocDiffRow[] = []
  const hidden: AllocDiffRow[] = []
  for (const r of all) (abs(d(r)) >= minDelta && d(r) !== 0n ? eligible : hidden).push(r)
  eligible.sort(cmp)
  const top = opts.top !== undefined && opts.top >= 0 ? opts.top : Infinity
  const shown = eligible.slice(0, top)
  hidden.push(...eligible.slice(shown.length))
  // "others" is every changed site not shown, on either column: a site whose calls moved and bytes
  // did not is no row of a bytes diff, yet Total's calls count it, so rows + others = Total in both
  // (README). A site unchanged on both (a 0-byte, 0-call site that appeared) is still counted in
  // add/remove, as bloat-o-meter does, but adds nothing to either column.
  const folded = hidden.filter((r) => r.deltaBytes !== 0n || r.deltaCalls !== 0n)
  const others: OthersRow | null = folded.length
    ? {
        count: folded.length,
        deltaBytes: folded.reduce((s, r) => s + r.deltaBytes, 0n),
        deltaCalls: folded.reduce((s, r) => s + r.deltaCalls, 0n),
      }
    : null
  return {
    a: a.source,
    b: b.source,
    metric,
    sort,
    summary: summaries[metric],
    summaries,
    rows: shown,
    others,
    sitesCompared: compared,
    filter,
    keyBy,
    ...withNotCompared(diffAnomalies(a.anomalies, b.anomalies, scope, keyBy), a, b),
  }
}

/** The sides whose reader kept fewer anomalies than it counted (AllocDiff.anomalies.notCompared). */
function withNotCompared<D extends Pick<AllocDiff, 'anomalies'>>(d: D, a: AllocInfo, b: AllocInfo): D {
  const capped = (x: AllocInfo): Capped | undefined => {
    const counted = anomalyTotal(x.anomalyCounts)
    return counted > x.anomalies.length ? {counted, kept: x.anomalies.length} : undefined
  }
  const [ca, cb] = [capped(a), capped(b)]
  if (!ca && !cb) return d
  return {...d, anomalies: {...d.anomalies, notCompared: {...(ca ? {a: ca} : {}), ...(cb ? {b: cb} : {})}}}
}

/**
 * Each anomaly by kind and its site, matched as the sites are (`--key func`: the same function's
 * anomaly at a moved line is the same one); a duplicate-key (graded info by allocinfo, gated as
 * analyse and allocinfo gate it) is one like the others. The site filters keep the anomalies of
 * the sites they keep: a gate scoped to a module does not fail on another's.
 */
function diffAnomalies(inA: AllocAnomaly[], inB: AllocAnomaly[], scope: SiteScope, keyBy: AllocKeyBy): Pick<AllocDiff, 'anomalies' | 'anomaliesOutsideFilters'> {
  const [sa, sb] = [identified(inA, scope, keyBy), identified(inB, scope, keyBy)]
  const [a, b] = [sa.filter((s) => s.kept), sb.filter((s) => s.kept)]
  const A = new Set(a.map((s) => s.id))
  const B = new Set(b.map((s) => s.id))
  const anomalies = {
    appeared: b.filter((s) => !A.has(s.id)).map((s) => s.x),
    gone: a.filter((s) => !B.has(s.id)).map((s) => s.x),
    both: [...A].filter((k) => B.has(k)).length,
  }
  if (!hasScope(scope)) return {anomalies}
  // Those the filters leave out, each kind and site once (in both dumps or in one).
  const outside = new Set([...sa, ...sb].map((s) => s.id))
  for (const k of [...A, ...B]) outside.delete(k)
  return {anomalies, anomaliesOutsideFilters: outside.size}
}

/** An anomaly, what it is matched by (its kind and site, keyed as the sites are), and whether the filters keep it. */
interface Identified {
  x: AllocAnomaly
  id: string
  kept: boolean
}

/** Each anomaly identified, its site read back from its key (anomalySite) once, and only when the key or the filters need it. */
function identified(list: readonly AllocAnomaly[], scope: SiteScope, keyBy: AllocKeyBy): Identified[] {
  const scoped = hasScope(scope)
  return list.map((x) => {
    const key = x.key
    const site = scoped || keyBy !== 'site' ? anomalySite(key) : undefined
    const at = site === undefined || keyBy === 'site' ? key : keyOf({key, ...site}, keyBy)
    return {x, id: `${x.kind} ${at}`, kept: site === undefined || !scoped || inScope(site, scope)}
  })
}

/** The bloat-o-meter summary line. */
export function summaryLine(s: AllocDiffSummary): string {
  return `add/remove: ${s.add}/${s.remove} grow/shrink: ${s.grow}/${s.shrink} up/down: +${s.up}/${s.down === 0n ? '-0' : s.down} (${s.net >= 0n ? '+' : ''}${s.net})`
}

/** The bloat-o-meter total line. */
export function totalLine(s: AllocDiffSummary): string {
  const pct = s.changePct === null ? 'n/a' : `${s.changePct >= 0 ? '+' : ''}${s.changePct.toFixed(2)}%`
  return `Total: Before=${s.before}, After=${s.after}, chg ${pct}`
}
