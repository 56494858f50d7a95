// What `analyse` shows of a /proc/allocinfo next to the boot log: totals, the largest sites, and
// the sites the kernel marked ` accurate:no` (early allocations the recorder could not tag).
import {type AnomalyKind, anomalyKinds, anomalyTotal} from '../allocinfo/report.js'
import {SORTS, topN, totalsOf, type Totals} from '../allocinfo/select.js'
import type {AllocInfo, AllocSite, AnomalyCounts} from '../types.js'

export const TOP_SITES = 10
/** accurate:no sites kept in the summary (largest first); the count says how many there are. */
export const MAX_INACCURATE = 50

export interface AllocInfoSummary {
  source: string
  version: string
  lines: number
  totals: Totals
  top: AllocSite[]
  inaccurateCount: number
  inaccurate: AllocSite[]
  // anomalyCounts is the fact; the total and the kinds are worked out from it (anomalyTotal,
  // anomalyKinds) for the JSON, which documents all three.
  /** Every anomaly counted (a summed duplicate, info, among them). */
  anomalies: number
  /** The same by kind, as batch records count them. */
  anomalyCounts: AnomalyCounts
  /** Each kind with its severity and its first line, most severe first: what --fail-on gates on, shown (README Severity). */
  anomalyKinds: AnomalyKind[]
  skipped: number
  /** Why the dump is incomplete (a gzip stream or a last line cut short): its totals are a part. */
  truncated?: string
  /** AllocInfo.notes (earlier snapshots dropped, padding, an unknown version, no site). */
  notes?: string[]
}

export function summariseAllocInfo(info: AllocInfo): AllocInfoSummary {
  const inacc = info.sites.filter((s) => !s.accurate)
  const cut = info.truncated
  return {
    source: info.source,
    version: info.version,
    lines: info.lines,
    totals: totalsOf(info.sites),
    top: topN(info.sites, TOP_SITES, SORTS.bytes),
    inaccurateCount: inacc.length,
    inaccurate: topN(inacc, MAX_INACCURATE, SORTS.bytes),
    anomalies: anomalyTotal(info.anomalyCounts),
    anomalyCounts: info.anomalyCounts,
    anomalyKinds: anomalyKinds(info.anomalies, info.anomalyCounts),
    skipped: info.skippedTotal,
    ...(cut === undefined ? {} : {truncated: cut}),
    ...(info.notes === undefined ? {} : {notes: info.notes}),
  }
}
