// BootAnalysis / AllocInfo → the parts of a batch record (schema.ts), and the model's prediction for
// a boot log's host, made as `predict --from` makes it (withDumpDebug, hostFromAnalysis,
// chooseProfile, legacyArraySize, captureRecorder with the capture dump's poolCodeAt). Predictions
// are memoised per host shape: they are seeded, so equal hosts get equal predictions, and a fleet
// has few shapes.
import {anomalyTotal} from '../allocinfo/report.js'
import {InputError, NotImplementedError, UsageError} from '../errors.js'
import {type TrackingSite, dumpIsOf, legacyArraySize, trackingSiteOf, withDumpDebug} from '../analysis/built-recorder.js'
import {captureRecorder, hostFromAnalysis, kernelRefusal, poolCodeAt} from '../model/from-boot.js'
import type {Host} from '../model/host.js'
import {predict, type Prediction} from '../model/predict.js'
import {chooseProfile} from '../model/profile.js'
import {predictionGrade} from '../model/severity.js'
import type {AllocInfo, BootAnalysis, HostFacts, ProfilingState, RecorderCode} from '../types.js'
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
    anomalies: anomalyTotal(info.anomalyCounts),
    anomalyCounts: info.anomalyCounts,
    skipped: info.skippedTotal,
    ...(info.truncated !== undefined ? {truncated: info.truncated} : {}),
    ...(info.notes !== undefined ? {notes: info.notes} : {}),
  }
}

const MEMO_MAX = 4096
const memo = new Map<string, BatchPrediction>()
/** Host shapes predicted and kept: the memo leaves no trace in the records (test/batch/prediction-memo). */
export const predictionsKept = (): number => memo.size

/**
 * What a boot's prediction is made from, without the analysis: kept with the boot's record part
 * (BootPart) until the capture's dump, whose recorder evidence it may need, has been read (in an
 * archive the dump may come after the log; the analysis is not kept that long).
 */
export interface PredictionBasis {
  /** The log's name: its recorder reasons name it. */
  source: string
  /** The log's own recorder and why (captureRecorder weighs the dump's evidence against it), and its DEBUG. */
  profiling: ProfilingState
  /** The boot's host facts: the model's host is made from them when predicted, after the dump's DEBUG evidence is taken (withDump). */
  host: HostFacts
  legacyMax: number
}

export function predictionBasis(a: BootAnalysis): PredictionBasis {
  return {source: a.source, profiling: a.profiling, host: a.host, legacyMax: legacyArraySize(a)}
}

/**
 * The memo's key: the host's shape. Its name and the file:line each fact came from (origins) change
 * no count, and with them in the key no two files shared a prediction (10 000 inputs: 10 000
 * replays). Each fact as `key=JSON` (a key is an identifier, a JSON value is self-delimiting), not
 * JSON of a spread copy: V8 (Node 20) clones a spread with added properties by a slow path (~5 us).
 */
function shapeKey(host: Host, legacyMax: number, recorder: string): string {
  let key = `${legacyMax} ${recorder}`
  for (const k in host) if (k !== 'name' && k !== 'origins') key += ` ${k}=${JSON.stringify(host[k as keyof Host])}`
  return key
}

/** `dump`: the recorder evidence of the capture's dump, for the boot it goes with (its log's last), as predict --from weighs it. */
export function predictionOf(b: PredictionBasis, dump?: RecorderCode): BatchPrediction | {error: string} {
  const {legacyMax} = b
  const {host, notes: factNotes} = hostFromAnalysis(b)
  const notes = [...factNotes.values()]
  const {recorder, recorderReason} = captureRecorder(b, b.source, dump)
  const key = shapeKey(host, legacyMax, recorder)
  const hit = memo.get(key)
  if (hit) return Object.assign({}, hit, {notes: [...notes, ...hit.notes]})
  // Said, not thrown (as predict --from throws it): a fleet of old kernels refuses every input, and
  // an Error's stack trace cost more than the rest of the refusal.
  const refusal = kernelRefusal(host.kernel)
  if (refusal) return {error: refusal}
  let out: BatchPrediction
  try {
    const profile = chooseProfile(host)
    // The pool is replayed only for a kernel that carries it (the legacy array is every host's what-if).
    const p = predict(host, profile, {tracker: recorder === 'pool' ? 'both' : 'legacy', legacyMax, recorder, recorderReason})
    // Graded as predict --from grades this host (its drops; the lab's measured counts are predict's alone).
    const graded = predictionGrade(host.debug, p)
    out = {
      profile: profile.name,
      window: p.window,
      earlyPfns: p.events,
      legacyMax,
      legacyDropped: p.legacy?.dropped ?? 0,
      legacyOverflow: Boolean(p.legacy?.overflow),
      ...ownRecorder(p),
      ...(graded ? {severity: graded} : {}),
      notes: p.notes,
    }
  } catch (e) {
    // Not kept: only predictions are (a host outside physical sense is rare, and the kernel refusal
    // above is a value, worked out again at little cost).
    return {error: reasonOf(e, b.source).reason}
  }
  if (memo.size >= MEMO_MAX) memo.clear()
  memo.set(key, out)
  return {...out, notes: [...notes, ...out.notes]}
}

/** What the kernel's own recorder does (predict's kernel outcome): nothing when it is unknown. */
function ownRecorder(p: Prediction): Partial<BatchPrediction> {
  if (p.recorder === 'unknown') return {recorder: p.recorder}
  const k = p.kernel!
  const overflow = p.recorder === 'legacy' ? Boolean(p.legacy?.overflow) : p.recorder === 'pool' ? (p.pool?.dropped ?? 0) > 0 : false
  return {
    recorder: p.recorder,
    recorded: Math.round(k.recorded.value),
    untagged: Math.round(k.leftUntaggedCalls.value),
    recorderOverflow: overflow,
    ...(p.pool ? {poolPages: p.pool.trackingPagesAllocated} : {}),
  }
}

/** A boot's part of a record (with which boot it is, when the log holds several), its prediction to come (predicted). */
export interface BootPart {
  part: Partial<BatchRecord>
  basis: PredictionBasis
}

// The record is assembled with Object.assign, not spreads with properties after them: V8 (Node 20)
// clones such a spread by a slow path, ~1-5 us each, several per input (bench/NOTES.md). The
// properties come in the same order either way (the NDJSON is byte for byte the same).
export function bootPart(a: BootAnalysis, first = true): BootPart {
  const part: Partial<BatchRecord> = a.boot ? {boot: Object.assign({}, a.boot, {first})} : {}
  Object.assign(part, {format: a.format, host: a.host, profiling: a.profiling, findings: findingsOf(a)}, a.klab.length ? {klab: a.klab} : undefined, readingOf(a))
  return {part, basis: predictionBasis(a)}
}

/**
 * How the log read, as analyse --json says it: a boot printed again (its records analysed once) and
 * once-per-boot facts printed twice with other values, each absent when there is none (as analyse's).
 */
const readingOf = (a: BootAnalysis): Partial<BatchRecord> => ({
  ...(a.replays ? {replays: a.replays} : {}),
  ...(a.replaysNotStored ? {replaysNotStored: a.replaysNotStored} : {}),
  ...(a.factConflicts ? {factConflicts: a.factConflicts} : {}),
})

/** The boot's part with its prediction; `dump`: the capture's dump's recorder evidence, for the boot the dump goes with. */
const predicted = (b: BootPart, dump?: RecorderCode): Partial<BatchRecord> => Object.assign({}, b.part, {prediction: predictionOf(b.basis, dump)})

/**
 * The host name of a boot's record, one order wherever the record is made: meta.json's `hostname`,
 * else the name the log's line prefix carries (syslog / journal: `named`), else the one systemd set
 * in this boot (the analyser's host fact, anywhere in the boot: each boot of a log its own).
 */
function named(rec: BatchRecord, boot: Partial<BatchRecord>): BatchRecord {
  const hostname = rec.hostname ?? boot.host?.hostname?.value
  return Object.assign({}, rec, hostname !== undefined ? {hostname} : undefined, boot)
}

/** One record per boot of a boot log, in log order (the boots `analyse` reports, or the one --boot names). */
export function bootRecords(rec: BatchRecord, boots: readonly BootAnalysis[]): BatchRecord[] {
  return boots.map((a, i) => named(rec, predicted(bootPart(a, i === 0))))
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

/** A capture's dump, read once: what its record says of it, and its evidence (the pool tracking site) for DEBUG and the recorder. */
export interface DumpParts {
  allocinfo: BatchAllocInfo
  trackingSite?: TrackingSite
}

export function dumpParts(info: AllocInfo): DumpParts {
  const trackingSite = trackingSiteOf(info)
  return {allocinfo: allocInfoOf(info), ...(trackingSite ? {trackingSite} : {})}
}

/** A boot's part with its capture's dump as DEBUG evidence (withDumpDebug, analyse's and predict --from's rule): its profiling and its prediction's host alike. */
function withDump(b: BootPart, site: TrackingSite | undefined): BootPart {
  const {profiling} = withDumpDebug({boot: b.part.boot, profiling: b.basis.profiling}, site)
  return profiling === b.basis.profiling ? b : {part: {...b.part, profiling}, basis: {...b.basis, profiling}}
}

/** What a capture directory's record is made of, read from disk (run-task.ts) or from an archive (archive-capture.ts). */
export interface CaptureParts extends Partial<DumpParts> {
  /** meta.json's `hostname`: it wins over the log's. */
  metaHost?: string
  /** The host name the boot log's line prefix says (its head: hostname.ts). */
  headHost?: string
  /** One part per boot of its log (bootPart); none without a log. */
  boots?: BootPart[]
}

/**
 * A capture directory's records, one rule wherever it was read: the host name as `named` orders it
 * (meta.json's first), a record per boot of its log, and the dump (read after the log's last boot)
 * with that boot's record, whose profiling takes the dump's DEBUG evidence (analyse's rule) and whose
 * prediction weighs its recorder evidence (predict --from's rule); with none of the log's last boot
 * (--boot=-1) no record has the dump.
 */
export function captureRecordsOf(input: InputRef, p: CaptureParts): BatchRecord[] {
  const hostname = p.metaHost ?? p.headHost
  const rec: BatchRecord = {schema: BATCH_SCHEMA, input, kind: 'capture-dir', ...(hostname ? {hostname} : {})}
  if (!p.boots) return [{...rec, ...(p.allocinfo ? {allocinfo: p.allocinfo} : {})}]
  // The boot the dump goes with by predict --from's rule (built-recorder.ts dumpIsOf): the log's last,
  // which --boot=-1 leaves out of the list (the last boot of the list then is an earlier one).
  const hasDump = p.boots.map((b) => dumpIsOf({boot: b.part.boot}))
  const recs = p.boots.map((b, i) => named(rec, predicted(withDump(b, p.trackingSite), hasDump[i] ? poolCodeAt(p.trackingSite) : undefined)))
  const i = hasDump.indexOf(true)
  if (p.allocinfo && i >= 0) recs[i]!.allocinfo = p.allocinfo
  return recs
}
