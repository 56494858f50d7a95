// The fleet summary (`allocscope/fleet-v2`): batch records folded into counts per finding
// signature, per kernel release, per CPU count, hosts predicted to overflow the legacy array,
// errors by reason, the dumps' accounting anomalies by kind and the boots' impossible klab counters by kind. merge() is associative and commutative and add() is merge with a one-record
// summary, so a summary of shards equals the summary of the whole run, in any order and grouping;
// every choice between two values (an example, a title) takes one by a total order (a signature's
// label: the most severe, then the least).
import {type Severity, SEVERITIES} from '../types.js'
import {severityField} from '../model/severity.js'
import {ownGet, put} from '../own.js'

/**
 * v2: `cpus` is keyed by CPU count, then by each host's legacy limit (v1 had one limit per CPU
 * count, the smallest, which made hosts with 8192 slots look past 256). A changed field is a new
 * version (as for batch records); a v1 summary is refused with what to do.
 */
export const FLEET_SCHEMA = 'allocscope/fleet-v2'
/** Earlier summary versions: named in the refusal, with the fix (fleet again over the batch records). */
export const FLEET_OLDER = ['allocscope/fleet-v1']

export interface SignatureRow {
  id: string
  /** The most severe of its records' findings (README, Severity): what --fail-on gates on. */
  severity: string
  title: string
  /** Inputs with this signature: an input once, however many of its boots have it (as a kernel's). */
  inputs: number
  /** The multi-boot inputs counted in `inputs` (see KernelRow.multiBootInputs). */
  multiBootInputs?: string[]
  /** Times it was printed, summed over the records (a finding's count). */
  occurrences: number
  /** Distinct hosts: hostname where the log has one, else the input path. Sorted. */
  hosts: string[]
  kernels: string[]
  /** Earliest and latest input mtime (ISO 8601) among the records with it. */
  firstSeen?: string
  lastSeen?: string
  /** The least input path with it. */
  example: string
}

export interface KernelRow {
  /**
   * Inputs with a record of this release (or of no known release: key `unknown`): an input once
   * per release it holds, however many of its boots are of it.
   */
  inputs: number
  /**
   * The inputs holding several boots (records with `boot`) counted in `inputs`, sorted, each
   * `PATH @MTIME` (PATH when the record has no mtime; summaries before the mtime was added hold PATH
   * alone): one path on two machines is two inputs. Absent when none. Merge counts each once (a log of one boot is one record, counted as it comes),
   * so the list is as long as the fleet's multi-boot logs, as a signature's `hosts` is its hosts.
   */
  multiBootInputs?: string[]
  /** Records with a boot log analysed. */
  boots: number
  /** Findings (one per signature per boot) in those boots. */
  findings: number
  recorders: Record<string, number>
  /**
   * Its boots by their prediction's severity (batch's prediction.severity, graded as predict --from
   * grades the host), which --fail-on gates on; absent when none has one, or the records predate
   * it. Added to v2.
   */
  predictionSeverities?: Partial<Record<Severity, number>>
}

export interface OverflowRow {
  kernel: string
  cpus: number
  earlyPfns: number
  legacyMax: number
  example: string
  /** The most severe prediction among the host's boots that overflow (what-if overflows are a notice); added to v2. */
  severity?: Severity
}

/** Boots with a prediction, of one CPU count and one legacy array size (a host's own limit). */
export interface CpuRow {
  boots: number
  minEarlyPfns: number
  maxEarlyPfns: number
  /** Boots predicted past their own EARLY_ALLOC_PFN_MAX. */
  overflow: number
}

/** The allocinfo dumps with an accounting anomaly of one kind (negative-bytes, …: allocinfo/report.ts ANOMALY_SEVERITY). */
export interface AnomalyRow {
  /** Dumps with at least one. */
  dumps: number
  /** Anomalies of the kind, every one counted (the records' anomalyCounts summed). */
  count: number
  /** The least input path with one. */
  example: string
}

/** The boots with a klab counter no kernel can print, of one klab line kind (allocinfo/report.ts BAD_COUNTER_SEVERITY). */
export interface BadCounterRow {
  /** Boots (records) with at least one on a line of the kind. */
  boots: number
  /** The impossible counters, every one counted. */
  count: number
  /** The least input path with one. */
  example: string
}

export interface FleetSummary {
  schema: typeof FLEET_SCHEMA
  inputs: number
  boots: number
  allocinfos: number
  errors: number
  signatures: Record<string, SignatureRow>
  kernels: Record<string, KernelRow>
  overflow: Record<string, OverflowRow>
  /**
   * Possible CPUs → EARLY_ALLOC_PFN_MAX → row: hosts are grouped by their own legacy limit (printed
   * by their kernel, else 8192), never compared with another host's.
   */
  cpus: Record<string, Record<string, CpuRow>>
  errorReasons: Record<string, {count: number; example: string}>
  /**
   * The dumps' accounting anomalies by kind, which --fail-on gates on as allocinfo and batch do
   * (added to v2: absent when there is none, as in summaries written before).
   */
  anomalies?: Record<string, AnomalyRow>
  /**
   * The boots' impossible klab counters by line kind (early_pfn, …), which --fail-on gates on as
   * analyse and batch do (added to v2 as anomalies were: absent when there is none, so a summary
   * written before reads as none, and one without them is unchanged byte for byte).
   */
  badCounters?: Record<string, BadCounterRow>
}

export function emptySummary(): FleetSummary {
  return {schema: FLEET_SCHEMA, inputs: 0, boots: 0, allocinfos: 0, errors: 0, signatures: {}, kernels: {}, overflow: {}, cpus: {}, errorReasons: {}}
}

const minStr = (a: string, b: string) => (a <= b ? a : b)

/**
 * Two input mtimes in time order: ISO 8601 text does not sort as time once a year leaves 0-9999
 * (`+011476-08-…`, `-001200-…`: a tar header can say anything). Equal times by text, so the order is
 * total (the reader refuses text that is not a time: shape.ts isoTime).
 */
function byTime(a: string, b: string): number {
  const d = Date.parse(a) - Date.parse(b)
  return d !== 0 && !Number.isNaN(d) ? d : a < b ? -1 : a > b ? 1 : 0
}
const optMin = (a?: string, b?: string) => (a === undefined ? b : b === undefined ? a : byTime(a, b) <= 0 ? a : b)
const optMax = (a?: string, b?: string) => (a === undefined ? b : b === undefined ? a : byTime(a, b) >= 0 ? a : b)

/** Sorted union of two sorted, duplicate-free lists. */
function union(a: string[], b: string[]): string[] {
  const out: string[] = []
  let i = 0
  let j = 0
  while (i < a.length || j < b.length) {
    const x = a[i]
    const y = b[j]
    if (y === undefined || (x !== undefined && x < y)) out.push(a[i++]!)
    else if (x === undefined || y < x) out.push(b[j++]!)
    else {
      out.push(x)
      i++
      j++
    }
  }
  return out
}

/** Keys in sorted order, each value merged where both have it: the canonical form of a map. */
function mergeMap<T>(a: Record<string, T>, b: Record<string, T>, f: (x: T, y: T) => T): Record<string, T> {
  const out: Record<string, T> = {}
  for (const k of union(Object.keys(a).sort(), Object.keys(b).sort())) {
    const x = ownGet(a, k)
    const y = ownGet(b, k)
    put(out, k, x === undefined ? y! : y === undefined ? x : f(x, y))
  }
  return out
}

/**
 * The label a signature keeps when its records differ (a WARNING banner raises a notice row, another
 * detector version): the most severe, so that --fail-on sees what any record said (the least as text
 * made warning + info read info); then the least [id, title], a total order, so merge stays
 * associative and commutative.
 */
export function signatureLabel(a: SignatureLabel, b: SignatureLabel): SignatureLabel {
  const rank = SEVERITIES.indexOf(b.severity as Severity) - SEVERITIES.indexOf(a.severity as Severity)
  if (rank !== 0) return rank < 0 ? pickLabel(a) : pickLabel(b)
  return pickLabel(JSON.stringify([a.id, a.title]) <= JSON.stringify([b.id, b.title]) ? a : b)
}

type SignatureLabel = Pick<SignatureRow, 'id' | 'severity' | 'title'>
const pickLabel = ({id, severity, title}: SignatureLabel): SignatureLabel => ({id, severity, title})

function mergeSignature(a: SignatureRow, b: SignatureRow): SignatureRow {
  const {id, severity, title} = signatureLabel(a, b)
  const first = optMin(a.firstSeen, b.firstSeen)
  const last = optMax(a.lastSeen, b.lastSeen)
  return {
    id,
    severity,
    title,
    ...mergeInputs(a, b),
    occurrences: a.occurrences + b.occurrences,
    hosts: union(a.hosts, b.hosts),
    kernels: union(a.kernels, b.kernels),
    ...(first !== undefined ? {firstSeen: first} : {}),
    ...(last !== undefined ? {lastSeen: last} : {}),
    example: minStr(a.example, b.example),
  }
}

/** Inputs of one boot add up; an input of several boots is counted once, by its path. */
function mergeInputs(a: {inputs: number; multiBootInputs?: string[]}, b: {inputs: number; multiBootInputs?: string[]}): {inputs: number; multiBootInputs?: string[]} {
  const ma = a.multiBootInputs ?? []
  const mb = b.multiBootInputs ?? []
  const multi = union(ma, mb)
  return {inputs: a.inputs - ma.length + (b.inputs - mb.length) + multi.length, ...(multi.length > 0 ? {multiBootInputs: multi} : {})}
}

/** The more severe of two, either absent (no severity, or a summary from before the field). */
function worse(a?: Severity, b?: Severity): Severity | undefined {
  if (a === undefined || b === undefined) return a ?? b
  return SEVERITIES.indexOf(a) >= SEVERITIES.indexOf(b) ? a : b
}


function mergeKernel(a: KernelRow, b: KernelRow): KernelRow {
  return {
    ...mergeInputs(a, b),
    boots: a.boots + b.boots,
    findings: a.findings + b.findings,
    recorders: mergeMap(a.recorders, b.recorders, (x, y) => x + y),
    ...optionalMap('predictionSeverities', a.predictionSeverities, b.predictionSeverities, (x, y) => x + y),
  }
}

/**
 * One row per host: the one with the most early PFNs, ties by the least; its severity the worst of
 * both, so that --fail-on and the row see every boot's, whichever row is kept.
 */
function mergeOverflow(a: OverflowRow, b: OverflowRow): OverflowRow {
  const {severity: _a, ...x} = a
  const {severity: _b, ...y} = b
  const kept = x.earlyPfns !== y.earlyPfns ? (x.earlyPfns > y.earlyPfns ? x : y) : JSON.stringify(x) <= JSON.stringify(y) ? x : y
  return {...kept, ...severityField('severity', worse(a.severity, b.severity))}
}

const mergeCpu = (a: CpuRow, b: CpuRow): CpuRow => ({
  boots: a.boots + b.boots,
  minEarlyPfns: Math.min(a.minEarlyPfns, b.minEarlyPfns),
  maxEarlyPfns: Math.max(a.maxEarlyPfns, b.maxEarlyPfns),
  overflow: a.overflow + b.overflow,
})

export function mergeSummaries(a: FleetSummary, b: FleetSummary): FleetSummary {
  return {
    schema: FLEET_SCHEMA,
    inputs: a.inputs + b.inputs,
    boots: a.boots + b.boots,
    allocinfos: a.allocinfos + b.allocinfos,
    errors: a.errors + b.errors,
    signatures: mergeMap(a.signatures, b.signatures, mergeSignature),
    kernels: mergeMap(a.kernels, b.kernels, mergeKernel),
    overflow: mergeMap(a.overflow, b.overflow, mergeOverflow),
    cpus: mergeMap(a.cpus, b.cpus, (x, y) => mergeMap(x, y, mergeCpu)),
    errorReasons: mergeMap(a.errorReasons, b.errorReasons, (x, y) => ({count: x.count + y.count, example: minStr(x.example, y.example)})),
    ...optionalMap('anomalies', a.anomalies, b.anomalies, (x, y) => ({dumps: x.dumps + y.dumps, count: x.count + y.count, example: minStr(x.example, y.example)})),
    ...optionalMap('badCounters', a.badCounters, b.badCounters, (x, y) => ({boots: x.boots + y.boots, count: x.count + y.count, example: minStr(x.example, y.example)})),
  }
}

/**
 * A map of rows by kind (anomalies, badCounters), as each kind's count over the fleet: what
 * allocinfo/report.ts anomalySeverities and badCounterSeverities grade.
 */
export function countsByKind(rows: Record<string, {count: number}> = {}): Record<string, number> {
  const out: Record<string, number> = {}
  for (const [kind, r] of Object.entries(rows)) put(out, kind, r.count)
  return out
}

/**
 * A map field added to v2, merged as maps are; absent on both sides stays absent (merge with the
 * empty summary is the identity, and summaries written before have none).
 */
function optionalMap<K extends string, T>(key: K, a: Record<string, T> | undefined, b: Record<string, T> | undefined, f: (x: T, y: T) => T): {[k in K]?: Record<string, T>} {
  if (a === undefined && b === undefined) return {}
  return {[key]: mergeMap(a ?? {}, b ?? {}, f)} as {[k in K]?: Record<string, T>}
}

/** Merges a list pairwise, as a balanced tree (each level halves it). */
function mergeAll(xs: FleetSummary[]): FleetSummary {
  let level = xs
  while (level.length > 1) {
    const next: FleetSummary[] = []
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? mergeSummaries(level[i]!, level[i + 1]!) : level[i]!)
    level = next
  }
  return level[0] ?? emptySummary()
}

/** Summaries merged into the running total this many at a time. */
const CHUNK = 512

/**
 * Folds many summaries (one per record) without merging each into the big total: a host list of
 * 100 000 names is copied once per chunk, not once per record. Same result as merging one by one
 * (merge is associative).
 */
export class Folder {
  private buf: FleetSummary[] = []
  private total = emptySummary()

  add(s: FleetSummary): void {
    this.buf.push(s)
    if (this.buf.length >= CHUNK) this.flush()
  }

  result(): FleetSummary {
    this.flush()
    return this.total
  }

  private flush(): void {
    if (this.buf.length === 0) return
    this.total = mergeSummaries(this.total, mergeAll(this.buf))
    this.buf = []
  }
}
