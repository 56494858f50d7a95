// Every site's bytes and calls over time, filled one snapshot at a time from recording records
// (plain snapshot files go through the same DeltaEncoder first). Memory is bounded: at most
// `maxColumns` snapshots are kept per site; when a longer series arrives, every other column is
// dropped and from then on only every 2nd (4th, …) snapshot is kept, plus always the last one.
// First/last sight and counter anomalies are tracked on every snapshot, before any thinning.
import {InputError} from '../errors.js'
import {counterAnomalies} from '../readers/allocinfo-scan.js'
import {siteKey} from '../readers/allocinfo.js'
import type {AllocAnomaly} from '../types.js'
import type {Counter, SnapshotRecord} from './recording.js'

export interface StoredSite {
  id: number
  key: string
  file: string
  lineNo: number
  func: string
  module: string | undefined
  accurate: boolean
  /** Snapshot indices (not columns) of first and last sight. */
  firstSnap: number
  lastSnap: number
  firstTime: string
  lastTime: string
  /** Bytes and calls when last seen. */
  lastBytes: number
  lastCalls: number
  /**
   * A module's site that went (a snapshot without skipped lines lacked it) and came back: the
   * module was unloaded and loaded again. Each gap, in time order, with the last sight before it:
   * the unload, which may have left bytes charged as the last one may.
   */
  gaps: SiteGap[]
  /** First column of the current load (0 without a gap): the earlier loads' levels are another life's. */
  lifeCol: number
  /** Columns: NaN where the site was absent or its counters were anomalous. */
  bytes: Float64Array
  /** Live allocations; single precision is plenty for a rate. */
  calls: Float32Array
}

export interface SiteGap {
  lastSnap: number
  lastTime: string
  lastBytes: number
  /** When it was seen again. */
  backTime: string
}

export interface CounterAnomaly {
  key: string
  snap: number
  time: string
  kind: Exclude<AllocAnomaly['kind'], 'duplicate-key'>
  detail: string
}

export interface SnapshotInfo {
  snap: number
  time: string
  uptimeS?: number
  readMs?: number
  release?: string
}

const MAX_ANOMALIES = 1000
const MAX_BREAKS = 5
const ABSENT = 0
const PRESENT = 1
/** Present, but a counter is negative, wrapped or one the kernel cannot print: kept out of the columns. */
const ANOMALOUS = 2
/**
 * Missing from a snapshot in which the reader skipped lines (a damaged line may have been this
 * site's): not known gone. Kept out of the columns; gone only once a snapshot without skipped lines
 * lacks it too (a site last seen in such a snapshot at the end is no unload leak).
 */
const UNKNOWN = 3

export class SeriesStore {
  readonly sites: StoredSite[] = []
  /** Per kept column: time in ms since the epoch. */
  times: number[] = []
  readonly anomalies: CounterAnomaly[] = []
  anomalyCount = 0
  /** Every anomaly counted by kind (the kept list stops at MAX_ANOMALIES): what --fail-on gates on. */
  readonly anomalyCounts: Partial<Record<CounterAnomaly['kind'], number>> = {}
  snapshots = 0
  first?: SnapshotInfo
  last?: SnapshotInfo
  releases = new Set<string>()
  private cap: number
  private stride = 1
  // Per site id, the current values (typed, grown by doubling): the per-snapshot loops stay tight.
  private curBytes: Float64Array = new Float64Array(1024)
  private curCalls: Float64Array = new Float64Array(1024)
  private state = new Uint8Array(1024)
  private lastTime = -Infinity
  private prevTime = ''
  /** Whether the most recent snapshot got a column. */
  private lastKept = false
  /** Ids whose state is UNKNOWN. */
  private unknown: number[] = []
  /** Where the series crosses a reboot or another kernel (uptime going back, a release that changes), one line each. */
  readonly breaks: string[] = []
  /** Breaks past the first MAX_BREAKS, counted. */
  breaksMore = 0
  private prevUptime?: number
  private prevRelease?: string

  constructor(readonly maxColumns = 1024) {
    this.cap = Math.min(256, maxColumns)
  }

  apply(rec: SnapshotRecord, source: string): void {
    const t = Date.parse(rec.time)
    if (Number.isNaN(t)) throw new InputError(`${source}: snapshot ${rec.snap}: time '${rec.time}' is not an ISO 8601 time`, source)
    if (t < this.lastTime) throw new InputError(`${source}: snapshot ${rec.snap} (${rec.time}) is earlier than the one before it; expected snapshots in time order`, source)
    this.lastTime = t
    this.noteBreak(rec, source)
    const snap = this.snapshots++
    for (const [id, file, lineNo, func, module, accurate] of rec.new ?? []) this.addSite(id, file, lineNo, func, module, accurate, source)
    // A site that goes was last seen in the previous snapshot.
    const doubtful = (rec.skipped ?? 0) > 0
    for (const id of rec.gone ?? []) this.leave(id, snap - 1, this.prevTime, doubtful ? UNKNOWN : ABSENT)
    if (doubtful) this.unknown.push(...(rec.gone ?? []))
    // A tag the kernel marked inaccurate at any time stays so for the whole series.
    for (const [id, accurate] of rec.acc ?? []) if (this.sites[id]) this.sites[id].accurate &&= accurate
    for (const [id, b, c] of rec.set ?? []) this.setCounters(id, b, c, snap, rec.time, source)
    this.settleUnknown(doubtful)
    const info: SnapshotInfo = {snap, time: rec.time, uptimeS: rec.uptimeS, readMs: rec.readMs, release: rec.release}
    this.first ??= info
    this.last = info
    this.prevTime = rec.time
    if (rec.release) this.releases.add(rec.release)
    this.lastKept = snap % this.stride === 0
    if (this.lastKept) this.addColumn(t)
  }

  /**
   * A snapshot of another boot than the one before: the counters start again there (a leak in each
   * boot reads as churn across both), so it is said, naming the snapshot; the series is not split.
   */
  private noteBreak(rec: SnapshotRecord, source: string): void {
    const why: string[] = []
    if (rec.uptimeS !== undefined && this.prevUptime !== undefined && rec.uptimeS < this.prevUptime) why.push(`uptime ${rec.uptimeS} s after ${this.prevUptime} s`)
    if (rec.release !== undefined && this.prevRelease !== undefined && rec.release !== this.prevRelease) why.push(`kernel release ${rec.release} after ${this.prevRelease}`)
    if (why.length > 0 && this.breaks.length < MAX_BREAKS) {
      this.breaks.push(`${source} (${rec.time}): ${why.join(', ')} in the snapshot before: another boot from here on, its counters started again; a trend across it is not one boot's (trend each boot's snapshots apart)`)
    } else if (why.length > 0) this.breaksMore++
    this.prevUptime = rec.uptimeS ?? this.prevUptime
    this.prevRelease = rec.release ?? this.prevRelease
  }

  /** Adds the last snapshot as a column when thinning skipped it, and settles last sight; call once after the last apply. */
  finish(): void {
    if (this.snapshots > 0 && !this.lastKept && this.last) this.addColumn(Date.parse(this.last.time))
    this.lastKept = true
    for (const s of this.sites) if (this.state[s.id] !== ABSENT) this.leave(s.id, this.snapshots - 1, this.last?.time ?? '')
  }

  /** Settles last sight (snapshot `snap` at `time`); `to`: the site's state from now on (unchanged when not given). */
  private leave(id: number, snap: number, time: string, to?: number): void {
    const s = this.sites[id]
    if (s === undefined) return
    s.lastSnap = snap
    s.lastTime = time
    s.lastBytes = this.curBytes[id]
    s.lastCalls = this.curCalls[id]
    if (to !== undefined) this.state[id] = to
  }

  /**
   * After a snapshot's counters: an unknown site that is back (set again) is present; one still
   * missing stays unknown while snapshots skip lines, and is gone at the first that skips none (its
   * last sight was settled when it went missing: a recording says `gone` only once).
   */
  private settleUnknown(doubtful: boolean): void {
    if (this.unknown.length === 0) return
    this.unknown = this.unknown.filter((id) => this.state[id] === UNKNOWN)
    if (doubtful) return
    for (const id of this.unknown) this.state[id] = ABSENT
    this.unknown = []
  }

  private addSite(id: number, file: string, lineNo: number, func: string, module: string | null, accurate: boolean, source: string): void {
    if (id !== this.sites.length) throw new InputError(`${source}: site id ${id} declared out of order (expected ${this.sites.length}); the recording is damaged`, source)
    const key = siteKey(file, lineNo, func, module ?? undefined)
    const s: StoredSite = {
      id, key, file, lineNo, func, module: module ?? undefined, accurate, firstSnap: -1, lastSnap: -1, firstTime: '', lastTime: '', lastBytes: NaN, lastCalls: NaN, gaps: [], lifeCol: 0,
      bytes: new Float64Array(this.cap).fill(NaN), calls: new Float32Array(this.cap).fill(NaN),
    }
    this.sites.push(s)
    if (id >= this.state.length) {
      this.curBytes = grown(this.curBytes, id * 2)
      this.curCalls = grown(this.curCalls, id * 2)
      const st = new Uint8Array(id * 2)
      st.set(this.state)
      this.state = st
    }
  }

  private setCounters(id: number, b: number | string, c: number | string, snap: number, time: string, source: string): void {
    const s = this.sites[id]
    if (s === undefined) throw new InputError(`${source}: snapshot ${snap} sets unknown site id ${id}; the recording is damaged`, source)
    if (s.firstSnap < 0) {
      s.firstSnap = snap
      s.firstTime = time
    } else if (this.state[id] === ABSENT && s.module !== undefined) this.reloaded(s, time)
    if (typeof b === 'string' || typeof c === 'string') return this.setBig(s, b, c, snap, time)
    // Exact in a double (within 2^53): only negative bytes can be wrong (the usual, fast path).
    this.curBytes[id] = b
    this.curCalls[id] = c
    this.state[id] = b < 0 ? ANOMALOUS : PRESENT
    if (b < 0) this.noteAnomaly(s.key, snap, time, 'negative-bytes', `bytes ${b} < 0`)
  }

  /**
   * A module's site back after it was gone (not merely unknown): the module was loaded again. A
   * site outside a module that goes and comes back stays one series (no unload explains it).
   */
  private reloaded(s: StoredSite, time: string): void {
    s.gaps.push({lastSnap: s.lastSnap, lastTime: s.lastTime, lastBytes: s.lastBytes, backTime: time})
    // Columns are added at the end of apply: this snapshot's, if kept, is the next one.
    s.lifeCol = this.times.length
  }

  /**
   * A counter stored as a decimal string (past 2^53): wrapped calls, negative bytes, or a value the
   * kernel cannot print, by the allocinfo reader's own rule (counterAnomalies), each noted; what is
   * wrong is kept out of the columns, and a counter it cannot print is no value at all (NaN).
   */
  private setBig(s: StoredSite, b: Counter, c: Counter, snap: number, time: string): void {
    let calls = Number(c)
    let bad = false
    const printable = counterAnomalies(s.key, BigInt(b), BigInt(c), 0, (a) => {
      bad = true
      if (a.kind === 'wrapped-calls') calls = NaN
      this.noteAnomaly(s.key, snap, time, a.kind as CounterAnomaly['kind'], a.detail)
    })
    this.curBytes[s.id] = printable ? Number(b) : NaN
    this.curCalls[s.id] = printable ? calls : NaN
    this.state[s.id] = bad ? ANOMALOUS : PRESENT
  }

  private noteAnomaly(key: string, snap: number, time: string, kind: CounterAnomaly['kind'], detail: string): void {
    this.anomalyCount++
    this.anomalyCounts[kind] = (this.anomalyCounts[kind] ?? 0) + 1
    if (this.anomalies.length < MAX_ANOMALIES) this.anomalies.push({key, snap, time, kind, detail})
  }

  private addColumn(t: number): void {
    if (this.times.length === this.cap) this.grow()
    const col = this.times.length
    this.times.push(t)
    const {state, curBytes, curCalls, sites} = this
    for (let id = 0; id < sites.length; id++) {
      if (state[id] !== PRESENT) continue
      const s = sites[id]
      s.bytes[col] = curBytes[id]
      s.calls[col] = curCalls[id]
    }
  }

  /** Grows the columns ×4 up to maxColumns; at the limit, keeps every other column instead. */
  private grow(): void {
    if (this.cap < this.maxColumns) {
      this.cap = Math.min(this.maxColumns, this.cap * 4)
      for (const s of this.sites) {
        s.bytes = grown(s.bytes, this.cap, NaN)
        s.calls = grown(s.calls, this.cap, NaN)
      }
      return
    }
    const keep = Math.ceil(this.times.length / 2)
    this.times = this.times.filter((_, i) => i % 2 === 0)
    for (const s of this.sites) {
      for (let i = 0; i < keep; i++) {
        s.bytes[i] = s.bytes[2 * i]
        s.calls[i] = s.calls[2 * i]
      }
      s.bytes.fill(NaN, keep)
      s.calls.fill(NaN, keep)
      // Old column c is new column c/2 when kept (even); the first kept at or after it is ceil(c/2).
      s.lifeCol = Math.ceil(s.lifeCol / 2)
    }
    this.stride *= 2
  }
}

function grown<T extends Float64Array | Float32Array>(a: T, n: number, fill = 0): T {
  const b = (a instanceof Float32Array ? new Float32Array(n) : new Float64Array(n)) as T
  if (fill !== 0) b.fill(fill)
  b.set(a)
  return b
}
