// The `trend` command's work, without oclif: flags checked → snapshots read (input.ts) → per-site
// trends (analyse.ts) → JSON, Report, an SVG when asked, and the severities --fail-on gates on.
// src/commands/trend.ts parses the flags and emits.
import {anomalySeverities} from '../allocinfo/report.js'
import {describeFilter} from '../allocinfo/select.js'
import {hasScope, scopedAnomalies, siteScope} from '../allocinfo/scope.js'
import type {CommandRun} from '../cli/output.js'
import {refuseInputAsOutput, writeUserFile} from '../cli/write-file.js'
import {InputError, UsageError} from '../errors.js'
import {parseSize, plural} from '../render/units.js'
import type {Finding, Severity} from '../types.js'
import {analyseStore, MIN_POINTS} from './analyse.js'
import {readTrendInput, type TimeFrom} from './input.js'
import {buildTrendReport, svgSeries, type TrendJson, trendJson, trendSvg} from './report.js'
import {minSuspectPoints} from './stats.js'

export interface TrendFlags {
  top: number
  'min-rate': string
  alpha: string
  'time-from': string
  log?: string
  svg?: string
  module?: string
  file?: string
  function?: string
}

export async function runTrend(inputs: string[], f: TrendFlags, out: {ascii: boolean}): Promise<CommandRun> {
  if (inputs.includes('-')) throw new UsageError("-: trend reads no input from stdin by that name; name /dev/stdin (or <(cmd)) for a recording piped in, or ./- for a file named '-'")
  const minRatePerHour = parseRate(f['min-rate'])
  const alpha = parseAlpha(f.alpha)
  const filter = siteScope({module: f.module, file: f.file, func: f.function})
  if (f.svg) refuseInputAsOutput('--svg', f.svg, [...inputs, ...(f.log ? [{flag: '--log', path: f.log}] : [])])
  const input = await readTrendInput(inputs, {timeFrom: f['time-from'] as TimeFrom})
  if (input.store.snapshots < 2) {
    // The reader's warnings say why there are so few (a damaged recording): the error is all the user sees.
    const why = input.warnings.length > 0 ? ` (${input.warnings.join('; ')})` : ''
    throw new InputError(`${inputs.join(', ')}: ${plural(input.store.snapshots, 'snapshot')}; a trend needs at least 2 (6 for a verdict)${why}`)
  }
  const res = analyseStore(input.store, {minRatePerHour, alpha, filter})
  // A capture directory's own boot log is the log of the boot its series was recorded in.
  const log = f.log ?? input.bootLog
  const findings = log ? await logFindings(log) : undefined
  // The anomalies of the sites the filters keep, as allocinfo and diff list and gate on them (scope.ts).
  const st = input.store
  const scoped = hasScope(filter) ? scopedAnomalies({source: inputs.join(', '), anomalies: st.anomalies, anomalyCounts: st.anomalyCounts}, filter) : undefined
  const json = trendJson(input, res, {minRatePerHour, alpha, filters: describeFilter(filter), top: f.top, findings, log, ...(scoped ? {scoped} : {})})
  if (f.svg) {
    const shown = json.suspects.length > 0 ? json.suspects.slice(0, 4) : json.notSuspects.slice(0, 4)
    writeUserFile(f.svg, trendSvg(json, svgSeries(input.store, shown)), 'the SVG')
  }
  return {result: json, report: buildTrendReport(json, {...out, scope: filter}), severities: trendSeverities(json), warnings: [...input.warnings, ...(scoped?.notes ?? []), ...tooShortForSuspects(input.store.snapshots, alpha)]}
}

/** A series long enough for verdicts but too short for any suspect at this alpha says so: its
 *  verdicts would otherwise read as "no leak" when no leak could have been found. */
function tooShortForSuspects(snapshots: number, alpha: number): string[] {
  const need = minSuspectPoints(alpha)
  if (snapshots < MIN_POINTS || snapshots >= need) return []
  return [`at --alpha ${alpha} a site needs at least ${need} snapshots to be a suspect (rising at every one of n snapshots gives p = 2^-(n-1)); this series has ${snapshots}`]
}

/** The boot log's findings, to cross-check module-unload leaks with (loaded only for --log). */
async function logFindings(path: string): Promise<Finding[]> {
  const {analyseBootLog} = await import('../analysis/read.js')
  return (await analyseBootLog(path)).findings
}

/** Each suspect and unload leak carries its severity (report.ts LEAK_SEVERITY); counter anomalies have the severity every command gives them (README Severity: allocinfo/report.ts anomalySeverities). */
export function trendSeverities(json: Pick<TrendJson, 'suspects' | 'unloadLeaks' | 'anomalies'>): Severity[] {
  return [...json.suspects.map((s) => s.severity), ...json.unloadLeaks.map((u) => u.severity), ...anomalySeverities(json.anomalies.byKind)]
}

/** --alpha: a probability strictly between 0 and 1. */
export function parseAlpha(text: string): number {
  const alpha = Number(text)
  if (!(alpha > 0 && alpha < 1)) throw new UsageError(`--alpha: '${text}' is not a probability between 0 and 1`)
  return alpha
}

/** `64K`, `64K/h`, `1M/h`, `10K/min`, `100/s`, `1G/d` → bytes per hour. */
export function parseRate(s: string): number {
  const m = /^\s*([^/]+?)\s*(?:\/\s*(s|sec|min|m|h|hour|d|day))?\s*$/i.exec(s)
  const size = m ? parseSize(m[1]) : undefined
  if (!m || size === undefined) throw new UsageError(`--min-rate: '${s}' is not a rate; expected a size per hour such as 64K, 1M/h, 10K/min`)
  const per: Record<string, number> = {s: 3600, sec: 3600, min: 60, m: 60, h: 1, hour: 1, d: 1 / 24, day: 1 / 24}
  return size * per[(m[2] ?? 'h').toLowerCase()]
}
