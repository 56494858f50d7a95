// BootAnalysis / AllocInfo → the parts of a batch record (schema.ts), and the model's prediction for
// a boot log's host, made as `predict --from` makes it (hostFromAnalysis, chooseProfile,
// legacyMaxFromLog, captureRecorder). Predictions are memoised per host shape: they are seeded, so equal hosts get
// equal predictions, and a fleet has few shapes.
import {InputError, NotImplementedError, UsageError} from '../errors.js'
import {captureRecorder, hostFromAnalysis, legacyMaxFromLog} from '../model/from-boot.js'
import {predict, type Prediction} from '../model/predict.js'
import {chooseProfile} from '../model/profile.js'
import {EARLY_ALLOC_PFN_MAX} from '../model/recorders/legacy.js'
import type {AllocInfo, BootAnalysis} from '../types.js'
import {BATCH_SCHEMA, type BatchAllocInfo, type BatchError, type BatchFinding, type BatchPrediction, type BatchRecord, type InputRef} from './schema.js'

export function findingsOf(a: BootAnalysis): BatchFinding[] {
  return a.findings.map((f) => {
    const g = f.splat?.guilty
    return {
      id: f.id,
      severity: f.severity,
      title: f.title,
      signature: f.signature,
      line: f.line,
      count: f.count ?? 1,
      corrupted: f.corrupted,
      ...(g ? {guilty: g.module ? `${g.fn} [${g.module}]` : g.fn} : {}),
    }
  })
}

export function allocInfoOf(info: AllocInfo): BatchAllocInfo {
  let inaccurate = 0
  for (const s of info.sites) if (!s.accurate) inaccurate++
  return {
    version: info.version,
    lines: info.lines,
    sites: info.sites.length,
    bytes: info.totalBytes.toString(),
    calls: info.totalCalls.toString(),
    inaccurateSites: inaccurate,
    anomalies: info.anomalies.length,
    skipped: info.skipped.length,
    ...(info.truncated !== undefined ? {truncated: info.truncated} : {}),
  }
}

const MEMO_MAX = 4096
const memo = new Map<string, BatchPrediction | {error: string}>()

/** `allocinfo`: the capture's dump, for the boot it goes with (its log's last): recorder evidence, as predict --from reads it. */
export function predictionOf(a: BootAnalysis, allocinfo?: string): BatchPrediction | {error: string} {
  const {host, notes} = hostFromAnalysis(a)
  const legacyMax = legacyMaxFromLog(a) ?? EARLY_ALLOC_PFN_MAX
  const {recorder, recorderReason} = captureRecorder(a, a.source, allocinfo)
  const key = JSON.stringify({...host, name: undefined, legacyMax, recorder})
  const hit = memo.get(key)
  if (hit) return 'error' in hit ? hit : {...hit, notes: [...notes, ...hit.notes]}
  let out: BatchPrediction | {error: string}
  try {
    const profile = chooseProfile(host)
    // The pool is replayed only for a kernel that carries it (the legacy array is every host's what-if).
    const p = predict(host, profile, {tracker: recorder === 'pool' ? 'both' : 'legacy', legacyMax, recorder, recorderReason})
    out = {
      profile: profile.name,
      window: p.window,
      earlyPfns: p.events,
      legacyMax,
      legacyDropped: p.legacy?.dropped ?? 0,
      legacyOverflow: Boolean(p.legacy?.overflow),
      ...ownRecorder(p),
      notes: p.notes,
    }
  } catch (e) {
    out = {error: reasonOf(e, a.source).reason}
  }
  if (memo.size >= MEMO_MAX) memo.clear()
  memo.set(key, out)
  return 'error' in out ? out : {...out, notes: [...notes, ...out.notes]}
}

/** What the kernel's own recorder does (predict's kernel outcome): nothing when it is unknown. */
function ownRecorder(p: Prediction): Partial<BatchPrediction> {
  if (p.recorder === 'unknown') return {recorder: p.recorder}
  const k = p.kernel!
  const overflow = p.recorder === 'legacy' ? Boolean(p.legacy?.overflow) : p.recorder === 'pool' ? (p.pool?.dropped ?? 0) > 0 : false
  return {
    recorder: p.recorder,
    recorded: Math.round(k.recorded.value),
    untagged: Math.round(k.untaggedCalls.value),
    recorderOverflow: overflow,
    ...(p.pool ? {poolPages: p.pool.trackingPagesAllocated} : {}),
  }
}

/**
 * The boot-log part of a record (with which boot it is, when the log holds several); `allocinfo`:
 * the path of the capture's dump when this is the boot it goes with (predictionOf).
 */
export function bootParts(a: BootAnalysis, first = true, allocinfo?: string): Partial<BatchRecord> {
  return {...(a.boot ? {boot: {...a.boot, first}} : {}), format: a.format, host: a.host, profiling: a.profiling, findings: findingsOf(a), prediction: predictionOf(a, allocinfo)}
}

/**
 * The host name of a boot's record, one order wherever the record is made: meta.json's `hostname`,
 * else the name the log's line prefix carries (syslog / journal: `named`), else the one systemd set
 * in this boot (the analyser's host fact, anywhere in the boot: each boot of a log its own).
 */
function named(rec: BatchRecord, boot: Partial<BatchRecord>): BatchRecord {
  const hostname = rec.hostname ?? boot.host?.hostname?.value
  return {...rec, ...(hostname !== undefined ? {hostname} : {}), ...boot}
}

/** One record per boot of a boot log, in log order (the boots `analyse` reports, or the one --boot names). */
export function bootRecords(rec: BatchRecord, boots: readonly BootAnalysis[]): BatchRecord[] {
  return boots.map((a, i) => named(rec, bootParts(a, i === 0)))
}

/** An error as a record keeps it: the message without the leading `<path>: ` the CLI prints. */
export function reasonOf(e: unknown, path: string): BatchError {
  const known = e instanceof InputError || e instanceof UsageError || e instanceof NotImplementedError
  let msg = (e as Error)?.message ?? String(e)
  const line = e instanceof InputError ? e.line : undefined
  const file = e instanceof InputError && e.file ? e.file : path
  if (msg.startsWith(`${file}:`)) msg = msg.slice(file.length + 1).replace(/^\d+:/, '').trimStart()
  // A file inside the input (a capture directory's dmesg.txt) keeps its own name.
  if (file !== path && file.startsWith(`${path}/`)) msg = `${file.slice(path.length + 1)}: ${msg}`
  return {reason: known ? msg : `internal error: ${msg}`, ...(line !== undefined ? {line} : {})}
}

/** What a capture directory's record is made of, read from disk (run-task.ts) or from an archive (archive-capture.ts). */
export interface CaptureParts {
  /** meta.json's `hostname`: it wins over the log's. */
  metaHost?: string
  /** The host name the boot log's line prefix says (its head: hostname.ts). */
  headHost?: string
  /** One part per boot of its log (bootParts); none without a log. */
  boots?: Partial<BatchRecord>[]
  allocinfo?: BatchAllocInfo
}

/**
 * A capture directory's records, one rule wherever it was read: the host name as `named` orders it
 * (meta.json's first), a record per boot of its log, and the dump (read after the log's last boot)
 * with the last record.
 */
export function captureRecordsOf(input: InputRef, p: CaptureParts): BatchRecord[] {
  const hostname = p.metaHost ?? p.headHost
  const rec: BatchRecord = {schema: BATCH_SCHEMA, input, kind: 'capture-dir', ...(hostname ? {hostname} : {})}
  const recs = p.boots ? p.boots.map((b) => named(rec, b)) : [rec]
  if (p.allocinfo) recs[recs.length - 1]!.allocinfo = p.allocinfo
  return recs
}
