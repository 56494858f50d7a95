// The `allocinfo` command's work, without oclif: flags → reader → select/tree → result and Report.
// src/commands/allocinfo.ts (oclif) and the fast path (src/cli/fast.ts) both call it.
import {readAllocInfo, readerWarnings, refuseCutGzip} from '../readers/allocinfo.js'
import type {CommandRun} from '../cli/output.js'
import {waitingNotice} from '../cli/progress.js'
import {InputError, UsageError} from '../errors.js'
import {statOf} from '../readers/stat.js'
import {parseSize} from '../render/units.js'
import {type AllocInfoResult, anomalySeverities, buildAllocInfoReport, gradedAnomalies} from './report.js'
import {type SiteFilter, type SortKey, describeFilter, selectSites} from './select.js'
import {hasScope, scopedAnomalies, siteScope} from './scope.js'

export interface AllocInfoFlags {
  top: number
  sort: string
  min?: string
  module?: string
  file?: string
  function?: string
  'accurate-no': boolean
  tree?: boolean
  /** undefined: tree.ts TREE_DEPTH. */
  depth?: number
  bytes: boolean
  'accept-truncated'?: boolean
}

function filterOf(f: AllocInfoFlags): SiteFilter {
  let minBytes: bigint | undefined
  if (f.min !== undefined) {
    const n = parseSize(f.min)
    if (n === undefined) throw new UsageError(`--min: '${f.min}' is not a size; expected e.g. 1M, 64K, 1.5GiB or a byte count`)
    minBytes = BigInt(n)
  }
  return {...siteScope({module: f.module, file: f.file, func: f.function}), inaccurateOnly: f['accurate-no'], minBytes}
}

export async function runAllocInfo(args: {input: string}, f: AllocInfoFlags): Promise<CommandRun> {
  const filter = filterOf(f)
  const path = await allocinfoPath(args.input)
  const info = await readAllocInfo(path, undefined, {onWaiting: waitingNotice(path)})
  refuseCutGzip(info, f['accept-truncated'] ?? false)
  const sort = f.sort as SortKey
  const totals = {sites: info.sites.length, bytes: info.totalBytes, calls: info.totalCalls}
  const sel = selectSites(info.sites, filter, sort, f.tree ? 0 : f.top, totals)
  // The anomalies of the sites --module/--file/--function keep: listed and gated on (scope.ts).
  const scoped = scopedAnomalies(info, filter)
  const result: AllocInfoResult = {
    source: info.source,
    version: info.version,
    lines: info.lines,
    sort,
    totals,
    filters: describeFilter(filter),
    matched: sel.matched,
    shown: f.tree ? 0 : sel.shown.length,
    sites: f.tree ? [] : sel.shown,
    anomalies: gradedAnomalies(scoped.anomalies),
    anomalyCounts: scoped.anomalyCounts,
    ...(hasScope(filter) ? {anomaliesOutsideFilters: scoped.outside} : {}),
    skipped: info.skipped,
    skippedTotal: info.skippedTotal,
    skippedByReason: info.skippedByReason,
  }
  if (f.tree) {
    const {TREE_DEPTH, treeTotals} = await import('./tree.js')
    const depth = f.depth ?? TREE_DEPTH
    const rows = treeTotals(sel.shown, depth, sort)
    result.tree = {depth, rows: f.top > 0 ? rows.slice(0, f.top) : rows, prefixes: rows.length}
  }
  if (info.truncated !== undefined) result.truncated = info.truncated
  const warnings = [...readerWarnings(info), ...scoped.notes]
  return {result, report: buildAllocInfoReport(result, {raw: f.bytes, scope: filter}), severities: anomalySeverities(scoped.anomalyCounts), warnings}
}

/** A capture directory stands for its allocinfo.txt; anything else is read as given. */
async function allocinfoPath(input: string): Promise<string> {
  if (input === '-') return input
  // Nothing there: readAllocInfo names the problem.
  if (statOf(input)?.isDirectory() !== true) return input
  const {NO_ALLOCINFO_DUMP, resolveCapture} = await import('../readers/dir.js')
  const cap = resolveCapture(input)
  if (!cap.allocinfo) throw new InputError(`${input}: ${NO_ALLOCINFO_DUMP}; expected a /proc/allocinfo dump or a directory holding one`, input)
  return cap.allocinfo
}
