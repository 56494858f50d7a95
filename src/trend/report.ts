// `trend` result → JSON value, Report (table with a sparkline column, markdown, csv, text) and SVG.
import type {Finding, Severity} from '../types.js'
import {type Cell, type Report, type TableBlock, bytesCell} from '../render/report.js'
import {gradedAnomalies} from '../allocinfo/report.js'
import {outsideWords, type SiteScope} from '../allocinfo/scope.js'
import type {ScopedAnomalies} from '../allocinfo/scope.js'
import {plotSvg} from '../render/svg.js'
import {type Series, timeUnit} from '../render/plot.js'
import {iec, plural} from '../render/units.js'
import {fmtP, fmtRate, MIN_POINTS, type SiteTrend, type TrendResult, unloadsOf, VERDICTS, type Verdict} from './analyse.js'
import type {TrendInput} from './input.js'
import type {CounterAnomaly, SeriesStore} from './store.js'

export interface UnloadLeak {
  key: string
  module: string
  file: string
  lineNo: number
  func: string
  /** Bytes charged when the site was last seen (series), and when the log says. */
  bytes?: number
  lastSeen?: string
  log?: {line: number; bytes: number; text: string}
  /** Both the series and the log report it. */
  confirmed: boolean
  severity: Severity
}

/** A leak suspect's and an unload leak's severity (README Severity: what --fail-on gates on). */
export const LEAK_SEVERITY: Severity = 'warning'

export interface TrendJson {
  input: {
    kind: TrendInput['kind']
    /** The first 20 sources (and `… N more`); sourceCount says how many there are. */
    sources: string[]
    sourceCount: number
    snapshots: number
    firstTime?: string
    lastTime?: string
    hours: number
    releases: string[]
    timeSources: Record<string, number>
    tool?: string
    provenance?: string
  }
  options: {minRatePerHour: number; alpha: number; filters: string[]}
  tested: number
  verdicts: Partial<Record<Verdict, number>>
  suspects: (SiteTrend & {rank: number; severity: Severity})[]
  unloadLeaks: UnloadLeak[]
  /** The sites that grew the most without being suspects, with the reason. */
  notSuspects: SiteTrend[]
  /**
   * count: every one; byKind: every one by kind (what --fail-on gates on); list: the first 50. With
   * --module/--file/--function, those at the sites they keep (allocinfo/scope.ts).
   */
  anomalies: {count: number; byKind: Partial<Record<CounterAnomaly['kind'], number>>; list: {key: string; snap: number; time: string; kind: string; detail: string; severity: Severity}[]}
  /** With --module/--file/--function: the series' anomalies at sites they leave out (not listed, not gated on), as allocinfo's and diff's. */
  anomaliesOutsideFilters?: number
  log?: string
}

const SPARK = '▁▂▃▄▅▆▇█'
const SPARK_ASCII = '_.-:=+*#'

export function sparkline(values: (number | null)[], ascii = false): string {
  const ramp = ascii ? SPARK_ASCII : SPARK
  const present = values.filter((v): v is number => v !== null)
  if (present.length === 0) return ''
  const lo = Math.min(...present)
  const hi = Math.max(...present)
  return values.map((v) => (v === null ? ' ' : ramp[hi === lo ? 0 : Math.min(ramp.length - 1, Math.floor(((v - lo) / (hi - lo)) * ramp.length))])).join('')
}

/** Unload leaks from the series and from the log's `module-unload-leak` findings, matched by site. */
export function unloadLeaks(series: SiteTrend[], findings: Finding[] | undefined): UnloadLeak[] {
  // One row per unload (a module unloaded twice with bytes charged leaked twice), in time order per site.
  const out = new Map<string, UnloadLeak[]>()
  for (const s of series) {
    out.set(`${s.file}:${s.lineNo} ${s.func} [${s.module}]`, unloadsOf(s).map((u) => ({
      key: s.key, module: s.module ?? '', file: s.file, lineNo: s.lineNo, func: s.func, bytes: u.bytes, lastSeen: u.lastSeen, confirmed: false, severity: LEAK_SEVERITY,
    })))
  }
  for (const f of findings ?? []) {
    if (f.id !== 'module-unload-leak' || !f.data) continue
    const d = f.data as {file: string; fileLine: number; module: string; func: string; bytes: number}
    const k = `${d.file}:${d.fileLine} ${d.func} [${d.module}]`
    const log = {line: f.line, bytes: Number(d.bytes), text: f.text}
    // The kernel's messages come in time order, as the series' unloads: the first not yet matched.
    const have = out.get(k)?.find((u) => !u.log)
    if (have) Object.assign(have, {log, confirmed: true})
    else out.set(k, [...(out.get(k) ?? []), {key: k, module: d.module, file: d.file, lineNo: d.fileLine, func: d.func, log, confirmed: false, severity: LEAK_SEVERITY}])
  }
  return [...out.values()].flat()
}

export function trendJson(input: TrendInput, res: TrendResult, o: {minRatePerHour: number; alpha: number; filters: string[]; top: number; findings?: Finding[]; log?: string; scoped?: ScopedAnomalies<CounterAnomaly>}): TrendJson {
  const st = input.store
  const first = st.first?.time
  const last = st.last?.time
  const verdicts: Partial<Record<Verdict, number>> = {}
  for (const s of res.sites) verdicts[s.verdict] = (verdicts[s.verdict] ?? 0) + 1
  const top = (a: SiteTrend[]) => (o.top > 0 ? a.slice(0, o.top) : a)
  // Grew by the medians and not shrinking by the trend test: a site whose changes fell
  // significantly went down over the window, whatever its first and last tenths' medians say.
  const grown = res.sites.filter((s) => !NOT_GROWN.has(s.verdict) && s.growthBytes > 0).sort((a, b) => b.growthBytes - a.growthBytes)
  return {
    input: {
      kind: input.kind, sources: input.sources.length > 20 ? [...input.sources.slice(0, 20), `… ${input.sources.length - 20} more`] : input.sources, sourceCount: input.sources.length,
      snapshots: st.snapshots, firstTime: first, lastTime: last, hours: first && last ? (Date.parse(last) - Date.parse(first)) / 3.6e6 : 0,
      releases: [...st.releases], timeSources: input.timeSources, tool: input.header?.tool, provenance: input.header?.provenance,
    },
    options: {minRatePerHour: o.minRatePerHour, alpha: o.alpha, filters: o.filters},
    tested: res.tested,
    verdicts: Object.fromEntries(VERDICTS.filter((v) => verdicts[v]).map((v) => [v, verdicts[v]])),
    suspects: top(res.suspects).map((s, i) => ({rank: i + 1, severity: LEAK_SEVERITY, ...s})),
    unloadLeaks: unloadLeaks(res.unloadLeaks, o.findings),
    notSuspects: top(grown),
    anomalies: seriesAnomalies(st, o.scoped),
    ...(o.scoped ? {anomaliesOutsideFilters: o.scoped.outside} : {}),
    ...(o.log ? {log: o.log} : {}),
  }
}

/** The series' counter anomalies; `s`: those within the site filters, when given (scope.ts scopedAnomalies, as allocinfo's and diff's). */
function seriesAnomalies(st: TrendInput['store'], s: ScopedAnomalies<CounterAnomaly> | undefined): TrendJson['anomalies'] {
  if (s === undefined) return {count: st.anomalyCount, byKind: {...st.anomalyCounts}, list: gradedAnomalies(st.anomalies.slice(0, 50))}
  return {count: s.anomalies.length, byKind: s.anomalyCounts as TrendJson['anomalies']['byKind'], list: gradedAnomalies(s.anomalies.slice(0, 50))}
}

// Every cell holds one value with its raw number for CSV (bytes, bytes per hour, calls per hour):
// the tables show "240 KiB/h", CSV writes 245760; the sparkline is a picture, not in CSV.
const siteCells = (s: {file: string; lineNo: number; func: string}) => ({site: `${s.file}:${s.lineNo}`, func: s.func})
const SITE_COLUMNS = [
  {key: 'site', header: 'file:line', priority: 0},
  {key: 'func', header: 'function', priority: 0},
]
const rateCell = (bph: number | null): Cell => ({text: fmtRate(bph ?? 0), style: 'grow', raw: Math.round(bph ?? 0)})
const growthCell = (b: number): Cell => ({text: `${b > 0 ? '+' : ''}${iec(b)}`, raw: b})

/** The verdicts that are not 'grew, but not a suspect'. */
const NOT_GROWN: ReadonlySet<Verdict> = new Set<Verdict>(['suspect', 'unload-leak', 'shrinking'])

/** The window's length: hours, or minutes / seconds when it is shorter ("over 0.00 h" said nothing). */
function spanText(hours: number): string {
  if (hours >= 1) return `${hours.toFixed(2)} h`
  const s = hours * 3600
  return s >= 60 ? `${(s / 60).toFixed(1)} min` : `${s.toFixed(s >= 10 ? 0 : 1)} s`
}

export function buildTrendReport(j: TrendJson, o: {ascii: boolean; scope?: SiteScope}): Report {
  const i = j.input
  const suspects: TableBlock = {
    kind: 'table',
    title: `Leak suspects: ${j.suspects.length} of ${plural(j.tested, 'site')} tested (${i.snapshots} snapshots over ${spanText(i.hours)})`,
    columns: [
      {key: 'rank', header: '#', align: 'right', priority: 0},
      {key: 'rate', header: 'rate', align: 'right', priority: 0},
      {key: 'growth', header: 'growth', align: 'right', priority: 2},
      {key: 'q', header: 'q', align: 'right', priority: 2},
      {key: 'trend', header: 'bytes over time', priority: 3, picture: true},
      ...SITE_COLUMNS,
      {key: 'module', header: 'module', priority: 1},
    ],
    rows: j.suspects.map((s) => ({
      rank: s.rank, rate: rateCell(s.bytesPerHour), growth: growthCell(s.growthBytes), q: {text: fmtP(s.q), raw: s.q},
      trend: sparkline(s.spark, o.ascii), ...siteCells(s), module: s.module ?? '',
    })),
    empty: `no leak suspect at --min-rate ${fmtRate(j.options.minRatePerHour)} and q < ${j.options.alpha}`,
  }
  const blocks: Report['blocks'] = [summaryBlock(j), suspects]
  if (j.unloadLeaks.length > 0) blocks.push(unloadBlock(j.unloadLeaks))
  if (j.notSuspects.length > 0) blocks.push(notSuspectBlock(j, o.ascii))
  const outside = j.anomaliesOutsideFilters ? `; ${outsideWords(j.anomaliesOutsideFilters, o.scope ?? {})}` : ''
  if (j.anomalies.count > 0 || outside) {
    blocks.push({kind: 'text', title: `Counter anomalies (${j.anomalies.count}, kept out of the fits${outside})`, lines: j.anomalies.list.slice(0, 10).map((a) => `${a.time}  ${a.kind}  ${a.key}  (${a.detail})`)})
  }
  return {blocks}
}

/** One value per row: the input, its times, the kernels, the verdict counts and the thresholds. */
function summaryBlock(j: TrendJson): Report['blocks'][number] {
  const i = j.input
  return {
    kind: 'kv',
    title: 'Trend',
    rows: [
      {...(i.sourceCount === 1 ? {key: 'input', value: i.sources[0]} : {key: 'input files', value: i.sourceCount}), note: [i.kind, i.tool].filter(Boolean).join(': ')},
      {key: 'snapshots', value: i.snapshots, note: `times from ${Object.entries(i.timeSources).map(([k, v]) => `${k} ${v}`).join(', ')}`},
      {key: 'first snapshot', value: i.firstTime ?? '-'},
      {key: 'last snapshot', value: i.lastTime ?? '-'},
      ...(i.releases.length ? i.releases.map((r) => ({key: 'kernel', value: r})) : [{key: 'kernel', value: '(not recorded)'}]),
      {key: 'sites tested', value: j.tested, note: `the sites that changed, with ${MIN_POINTS} points or more: the family of the Benjamini–Hochberg correction`},
      ...Object.entries(j.verdicts).map(([k, v]) => ({key: `sites ${k}`, value: v})),
      {key: 'min rate', value: {text: fmtRate(j.options.minRatePerHour), raw: j.options.minRatePerHour}, note: 'bytes per hour'},
      {key: 'q below', value: j.options.alpha, note: 'Benjamini–Hochberg'},
      ...j.options.filters.map((f) => ({key: 'filter', value: f})),
    ],
  }
}

function unloadBlock(leaks: UnloadLeak[]): TableBlock {
  return {
    kind: 'table',
    title: `Module-unload leaks: ${leaks.length}`,
    columns: [
      {key: 'module', header: 'module', priority: 0},
      ...SITE_COLUMNS,
      {key: 'series', header: 'series: last seen with', align: 'right', priority: 1},
      {key: 'seenAt', header: 'series: last seen at', priority: 1},
      {key: 'log', header: 'log: at unload', align: 'right', priority: 1},
      {key: 'logLine', header: 'log: line', align: 'right', priority: 1},
      {key: 'seen', header: 'seen in', priority: 0},
    ],
    rows: leaks.map((l) => ({
      module: l.module, ...siteCells(l),
      series: l.bytes === undefined ? '' : bytesCell(l.bytes),
      seenAt: l.lastSeen ?? '',
      log: l.log ? bytesCell(l.log.bytes) : '',
      logLine: l.log?.line ?? '',
      seen: {text: l.confirmed ? 'series and log' : l.log ? 'log only' : 'series only', style: l.confirmed ? 'bad' : 'warn'},
    })),
  }
}

function notSuspectBlock(j: TrendJson, ascii: boolean): TableBlock {
  return {
    kind: 'table',
    title: 'Grew, but not suspects',
    columns: [
      {key: 'verdict', header: 'verdict', priority: 0},
      {key: 'growth', header: 'growth', align: 'right', priority: 0},
      {key: 'trend', header: 'bytes over time', priority: 3, picture: true},
      ...SITE_COLUMNS,
      {key: 'why', header: 'why', priority: 2},
    ],
    rows: j.notSuspects.map((s) => ({verdict: s.verdict, growth: growthCell(s.growthBytes), trend: sparkline(s.spark, ascii), ...siteCells(s), why: s.why})),
  }
}

/**
 * The top suspects' bytes over time (or the sites that grew most, when there is none): time on a
 * linear axis in the unit the window reads best in (a 2-minute series in hours had ticks 0 0 0 1).
 */
export function trendSvg(j: TrendJson, series: Series[]): string {
  const title = j.suspects.length > 0 ? `Leak suspects: bytes over time (${j.input.snapshots} snapshots)` : 'No leak suspect: the sites that grew the most'
  const unit = timeUnit(Math.max(0, ...series.flatMap((s) => s.points.map((p) => p.x))))
  const inUnit = series.map((s) => ({...s, points: s.points.map((p) => ({x: p.x / unit.seconds, y: p.y}))}))
  return plotSvg(inUnit, {title, xLabel: `${unit.name} since ${j.input.firstTime ?? 'the first snapshot'}`, yLabel: 'bytes charged to the site', linearX: true})
}

/** Bytes over time (seconds since the first snapshot) of the given sites, for the SVG. */
export function svgSeries(store: SeriesStore, sites: SiteTrend[]): Series[] {
  const t0 = store.times[0] ?? 0
  const byKey = new Map(store.sites.map((s) => [s.key, s]))
  return sites.map((s) => {
    const st = byKey.get(s.key)!
    const points: {x: number; y: number}[] = []
    for (let c = 0; c < store.times.length; c++) if (!Number.isNaN(st.bytes[c])) points.push({x: (store.times[c] - t0) / 1000, y: st.bytes[c]})
    const rate = s.verdict === 'suspect' ? `, ${fmtRate(s.bytesPerHour ?? 0)}` : ` (${s.verdict})`
    return {label: `${s.file}:${s.lineNo} ${s.func}${s.module ? ` [${s.module}]` : ''}${rate}`, points}
  })
}
