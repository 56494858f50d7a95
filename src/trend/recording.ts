// The allocscope recording (docs/recording.md): a gzip file of concatenated gzip members, each one
// JSON line. The first member is the header; every snapshot after it is its own member, written
// with one write() as soon as it is taken, so a killed recorder loses at most the sample it was
// taking, and a reader stops cleanly at a member cut short. Sites get a small integer id on first
// sight; a snapshot stores only the sites that appeared, changed or went away since the previous
// one (most of /proc/allocinfo stays the same from one sample to the next).
import {closeSync, ftruncateSync, openSync, rmSync, writeSync} from 'node:fs'
import {gzipSync} from 'node:zlib'
import {InputError, OutputError, ioReason} from '../errors.js'
import type {AllocInfo, AllocSite} from '../types.js'

export const RECORDING_FORMAT = 'allocscope-recording'
export const RECORDING_VERSION = 1
/** The text a recording starts with (its header's first field): what `diff` and `trend` sniff. */
export const RECORDING_MARK = `"format":"${RECORDING_FORMAT}"`

/** A site id inside one recording (index into the order of first sight). */
export type SiteId = number & {readonly __site: unique symbol}

export interface RecordingHeader {
  format: typeof RECORDING_FORMAT
  version: number
  /** When the recorder started (ISO 8601, UTC). */
  created: string
  /** The file sampled (/proc/allocinfo, or --source). */
  source: string
  host?: string
  /** The recorder: `allocscope record <version>`, or the lab's console conversion. */
  tool: string
  intervalS?: number
  /** Free text: how the series was made (the lab writes its provenance here). */
  provenance?: string
}

/** A counter as stored: a JSON number when exact in a double, else its decimal string. */
export type Counter = number | string

/** One snapshot line. `new` entries are [id, file, line, func, module or null, accurate]. */
export interface SnapshotRecord {
  snap: number
  /** Time of the read (ISO 8601, UTC): record's start wall time plus monotonic time since (docs/recording.md); the guest's clock for the lab's series. */
  time: string
  /** /proc/uptime of the sampled kernel when read, seconds. */
  uptimeS?: number
  /** Wall time to read the file, milliseconds. */
  readMs?: number
  /** CPU time of the recorder for this sample (read, parse, store), milliseconds. */
  cpuMs?: number
  /** `uname -r` of the sampled kernel. */
  release?: string
  /** allocinfo header version of this snapshot ('none' when absent). */
  allocinfo?: string
  new?: [number, string, number, string, string | null, boolean][]
  /** [id, bytes, calls] for each site new or changed since the previous snapshot. */
  set?: [number, Counter, Counter][]
  /** Ids present in the previous snapshot and absent from this one. */
  gone?: number[]
  /** [id, accurate] for each known site whose `accurate` flag changed since it was last recorded. */
  acc?: [number, boolean][]
  /** Input lines the reader skipped that could have been a site (neither a site, a header nor blank): a site missing from this snapshot may be on one. */
  skipped?: number
}

/** The most digits a stored counter has (the reader takes no more): far past what any kernel prints (20). */
export const MAX_COUNTER_DIGITS = 100
const SATURATED = BigInt('9'.repeat(MAX_COUNTER_DIGITS))

/** A damaged line's counter longer than that is stored saturated: still one no kernel prints, flagged as such when read. */
export const counter = (v: bigint): Counter => {
  if (v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER)) return Number(v)
  return (v > SATURATED ? SATURATED : v < -SATURATED ? -SATURATED : v).toString()
}
export const counterBig = (c: Counter): bigint => BigInt(c)

interface Known {
  id: number
  bytes: bigint
  calls: bigint
  accurate: boolean
  /** The last snapshot (encoder's count) the site was in. */
  seen: number
}

export interface SnapshotMeta {
  time: Date
  uptimeS?: number
  readMs?: number
  cpuMs?: number
  release?: string
}

/** Turns a sequence of parsed snapshots into the recording's delta records. */
export class DeltaEncoder {
  private ids = new Map<string, Known>()
  /** Sites of the previous snapshot. A site's `seen` says whether it is in this one: no per-snapshot Set (record's CPU per sample, issue 19). */
  private present: Known[] = []
  private n = 0

  encode(info: AllocInfo, meta: SnapshotMeta): SnapshotRecord {
    const snap = this.n++
    const rec: SnapshotRecord = {snap, time: meta.time.toISOString()}
    if (meta.uptimeS !== undefined) rec.uptimeS = meta.uptimeS
    if (meta.readMs !== undefined) rec.readMs = round3(meta.readMs)
    if (meta.cpuMs !== undefined) rec.cpuMs = round3(meta.cpuMs)
    if (meta.release !== undefined) rec.release = meta.release
    rec.allocinfo = info.version
    const now: Known[] = []
    for (const s of info.sites) now.push(this.encodeSite(s, rec, snap))
    // Stored as read, so that trend and diff flag the counter the kernel cannot print as allocinfo
    // does (readers apply counterAnomalies), not see the site gone (a false unload leak for a module's).
    for (const s of info.invalid ?? []) now.push(this.encodeSite(s, rec, snap))
    const gone: number[] = []
    for (const k of this.present) if (k.seen !== snap) gone.push(k.id)
    if (gone.length > 0) rec.gone = gone
    this.present = now
    const skipped = siteLinesSkipped(info)
    if (skipped > 0) rec.skipped = skipped
    return rec
  }

  private encodeSite(s: AllocSite, rec: SnapshotRecord, snap: number): Known {
    let k = this.ids.get(s.key)
    if (k === undefined) {
      k = {id: this.ids.size, bytes: s.bytes, calls: s.calls, accurate: s.accurate, seen: snap}
      this.ids.set(s.key, k)
      ;(rec.new ??= []).push([k.id, s.file, s.lineNo, s.func, s.module ?? null, s.accurate])
      ;(rec.set ??= []).push([k.id, counter(s.bytes), counter(s.calls)])
      return k
    }
    // Back after a snapshot without it (a module reloaded): its values are stated again.
    const wasPresent = k.seen === snap - 1
    k.seen = snap
    if (k.bytes !== s.bytes || k.calls !== s.calls || !wasPresent) {
      k.bytes = s.bytes
      k.calls = s.calls
      ;(rec.set ??= []).push([k.id, counter(s.bytes), counter(s.calls)])
    }
    // The kernel can mark a tag inaccurate at run time (accurate:no): keep the flag current.
    if (k.accurate !== s.accurate) {
      k.accurate = s.accurate
      ;(rec.acc ??= []).push([k.id, s.accurate])
    }
    return k
  }
}

/**
 * Lines the reader skipped that could have been a site of the snapshot read (a blank line could
 * not, nor one before the snapshot began: AllocInfo.earlier): a site missing from the dump may be
 * on one of them.
 */
const siteLinesSkipped = (info: AllocInfo): number => info.skippedTotal - (info.skippedByReason['blank line'] ?? 0) - (info.earlier?.skippedLines ?? 0)

/** What a missing site means in a snapshot with skipped lines (SeriesStore's UNKNOWN), as trend and record say it. */
export const UNKNOWN_NOT_GONE = 'a site missing from such a snapshot is taken as unknown there, not gone'

/**
 * A dump's skipped lines that could have been sites, named as allocinfo lists them (`file:line:
 * reason`, the first in full, the next few by line); undefined when there is none. `except`: a
 * line another warning names (the last line of a dump cut short), left out.
 */
export function skippedLinesNote(info: AllocInfo, except?: number): string | undefined {
  const from = info.earlier?.from ?? 0
  const listed = info.skipped.filter((k) => k.reason !== 'blank line' && k.line >= from)
  const kept = listed.filter((k) => k.line !== except)
  const n = siteLinesSkipped(info) - (listed.length - kept.length)
  const [first, ...others] = kept
  if (n === 0 || first === undefined) return undefined
  const shown = others.slice(0, 3).map((k) => k.line)
  const more = n > 1 ? ` (and ${n - 1} more: line${n > 2 ? 's' : ''} ${shown.join(', ')}${n - 1 > shown.length ? ', …' : ''})` : ''
  return `${info.source}:${first.line}: ${first.reason}: line skipped${more}`
}

const round3 = (x: number) => Math.round(x * 1000) / 1000

/** One gzip member holding one JSON line. */
export function member(obj: unknown): Buffer {
  return gzipSync(JSON.stringify(obj) + '\n', {level: 6})
}

/**
 * Appends members to a recording file; each write is one complete member (see the file comment).
 * The file is the user's (--out): one that cannot be opened is an InputError (exit 2), one that
 * cannot take a member (full disk, size limit, I/O error) an OutputError (exit 74), after the file
 * is cut back to its last whole member so that what was written stays a valid recording.
 */
export class RecordingWriter {
  private fd: number
  bytesWritten = 0
  /** Members written whole: the header, then one per snapshot. */
  private members = 0
  private failed = false
  /** Whether opening made the file: one that holds no snapshot when a write fails is removed (kept). */
  private made = false
  private removed = false

  constructor(
    readonly path: string,
    header: Omit<RecordingHeader, 'format' | 'version'>,
  ) {
    try {
      this.fd = this.open()
    } catch (e) {
      throw new InputError(`${path}: cannot write the recording (${ioReason(e)})`, path)
    }
    this.write({format: RECORDING_FORMAT, version: RECORDING_VERSION, ...header})
  }

  private open(): number {
    try {
      const fd = openSync(this.path, 'wx')
      this.made = true
      return fd
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
      return openSync(this.path, 'w')
    }
  }

  write(obj: unknown): number {
    const b = member(obj)
    try {
      // write() may take only part of a buffer (the disk fills up, a size limit): the rest follows.
      for (let off = 0; off < b.length; ) off += writeSync(this.fd, b, off, b.length - off)
    } catch (e) {
      this.failed = true
      this.dropPartial()
      throw new OutputError(`${this.path}: cannot write the recording (${ioReason(e)})${this.kept()}`, this.path)
    }
    this.bytesWritten += b.length
    this.members++
    return b.length
  }

  /** What the file holds after a failed write, for its message. */
  private kept(): string {
    if (this.removed) return '; nothing was recorded: the file is removed'
    const snaps = this.members - 1
    if (snaps < 0) return ''
    if (snaps === 0) return '; it holds the header and no snapshot'
    return snaps === 1 ? '; the 1 snapshot before it is whole' : `; the ${snaps} snapshots before it are whole`
  }

  /**
   * After a failed write: a file this writer made that holds no snapshot yet is removed (a failed
   * start leaves nothing behind: a header-only file made the next run need --force).
   */
  private dropPartial(): void {
    if (!this.made || this.members > 1) return this.cutToLastMember()
    try {
      rmSync(this.path)
      this.removed = true
    } catch {
      this.cutToLastMember()
    }
  }

  /** Drops the part of a member a failed write left (a reader would warn about a member cut short). */
  private cutToLastMember(): void {
    try {
      ftruncateSync(this.fd, this.bytesWritten)
    } catch {
      // Not a regular file (a pipe, /dev/full): nothing to cut, or nothing can be done about it.
    }
  }

  close(): void {
    try {
      closeSync(this.fd)
    } catch (e) {
      // After a failed write, that error is the one to report (close runs in a finally).
      if (!this.failed) throw new OutputError(`${this.path}: cannot write the recording (${ioReason(e)})`, this.path)
    }
  }
}
