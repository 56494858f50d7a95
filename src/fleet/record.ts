// One batch record → the summary of that record alone (so that folding records is merging
// summaries, and every law of merge holds for records too).
import type {BatchPrediction, BatchRecord} from '../batch/schema.js'
import {num} from '../readers/count.js'
import {badCounterCounts} from '../allocinfo/report.js'
import {severityField} from '../model/severity.js'
import {type AnomalyRow, type BadCounterRow, emptySummary, type FleetSummary, mergeSummaries, signatureLabel, type SignatureRow} from './summary.js'
import {ownGet, put} from '../own.js'

/** The kernel a record belongs to: its release, else `unknown`. */
export const kernelOf = (r: BatchRecord): string => r.host?.release?.value ?? 'unknown'

/** A host: the name the log gives, else the input's path. */
export const hostOf = (r: BatchRecord): string => r.hostname ?? r.input.path

/**
 * A multi-boot input as merge tells it from another: its path and mtime, the same in each of its
 * records, in any shard (batch reads an input once). By path alone, /var/log/kern.log of two sites
 * was one input of each release and signature, and two in the Fleet block (README: fleet
 * site-a.json site-b.json). An mtime is ISO 8601 (shape.ts), without a space: the key reads back.
 */
const multiBootKey = (r: BatchRecord): string => (r.input.mtime ? `${r.input.path} @${r.input.mtime}` : r.input.path)

const predictionOf = (r: BatchRecord): BatchPrediction | undefined =>
  r.prediction && !('error' in r.prediction) ? r.prediction : undefined

function signaturesOf(r: BatchRecord, kernel: string, multiBoot: {multiBootInputs?: string[]}): Record<string, SignatureRow> {
  const out: Record<string, SignatureRow> = {}
  const seen = r.input.mtime
  for (const f of r.findings ?? []) {
    const prev = ownGet(out, f.signature)
    if (prev) {
      // The analyser keeps one finding per signature with a count; this only guards a reader that
      // does not, labelling the signature as merge would.
      Object.assign(prev, signatureLabel(prev, f))
      prev.occurrences += f.count
      continue
    }
    put(out, f.signature, {
      id: f.id,
      severity: f.severity,
      title: f.title,
      inputs: 1,
      ...multiBoot,
      occurrences: f.count,
      hosts: [hostOf(r)],
      kernels: [kernel],
      ...(seen ? {firstSeen: seen, lastSeen: seen} : {}),
      example: r.input.path,
    })
  }
  return out
}

/**
 * One record's counts by kind as rows (its dump's anomalies: `dumps` 1; its boot's impossible klab
 * counters: `boots` 1), none when every count is 0: a summary without any has no map, as before the
 * field was added.
 */
function kindRows<U extends 'dumps' | 'boots'>(counts: Partial<Record<string, number>>, unit: U, example: string) {
  type Row = Record<U, number> & {count: number; example: string}
  const kinds = Object.entries(counts).filter(([, n]) => (n ?? 0) > 0)
  if (kinds.length === 0) return undefined
  const out: Record<string, Row> = {}
  for (const [kind, n] of kinds) put(out, kind, {[unit]: 1, count: n!, example} as Row)
  return out
}

export function summaryOfRecord(r: BatchRecord): FleetSummary {
  const s = emptySummary()
  // A log of several boots is a record per boot: the input is counted once, with its first record.
  s.inputs = r.boot && !r.boot.first ? 0 : 1
  if (r.error) {
    s.errors = 1
    put(s.errorReasons, r.error.reason, {count: 1, example: r.input.path})
    return s
  }
  const kernel = kernelOf(r)
  const boot = r.profiling !== undefined
  if (boot) s.boots = 1
  if (r.allocinfo) s.allocinfos = 1
  const anomalies: Record<string, AnomalyRow> | undefined = kindRows(r.allocinfo?.anomalyCounts ?? {}, 'dumps', r.input.path)
  if (anomalies) s.anomalies = anomalies
  const badCounters: Record<string, BadCounterRow> | undefined = kindRows(badCounterCounts(r.klab ?? []), 'boots', r.input.path)
  if (badCounters) s.badCounters = badCounters
  // A boot of a log holding several names its input, so that merge counts the input once per release and signature.
  const multiBoot = r.boot ? {multiBootInputs: [multiBootKey(r)]} : {}
  s.signatures = signaturesOf(r, kernel, multiBoot)
  const p = predictionOf(r)
  // Graded by batch as predict --from grades the host (model/severity.ts): not restated here.
  const graded = p?.severity?.severity
  const recorders = boot ? {[r.profiling!.recorder]: 1} : {}
  put(s.kernels, kernel, {inputs: 1, ...multiBoot, boots: boot ? 1 : 0, findings: Object.keys(s.signatures).length, recorders, ...(graded ? {predictionSeverities: {[graded]: 1}} : {})})
  const exactCpus = r.host?.possibleCpus?.value
  // A count past 2^53 (a decimal string in the record: a damaged log's) has no row: its key would
  // print as 1e+21, which the summary's own check then refuses when it is read back.
  const n = exactCpus === undefined ? undefined : num(exactCpus)
  const cpus = n !== undefined && Number.isSafeInteger(n) ? n : undefined
  if (p && cpus !== undefined) {
    s.cpus[String(cpus)] = {[String(p.legacyMax)]: {boots: 1, minEarlyPfns: p.earlyPfns, maxEarlyPfns: p.earlyPfns, overflow: p.legacyOverflow ? 1 : 0}}
    if (p.legacyOverflow) put(s.overflow, hostOf(r), {kernel, cpus, earlyPfns: p.earlyPfns, legacyMax: p.legacyMax, example: r.input.path, ...severityField('severity', graded)})
  }
  // Through merge once: maps come out with their keys in canonical (sorted) order.
  return mergeSummaries(emptySummary(), s)
}
