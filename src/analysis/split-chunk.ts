// One piece of a large boot log read into records, in a worker thread (split-worker.ts) or in
// process (tests): the reader's work (reads, line splitting, decoding, prefix parsing) done off
// the main thread, the records handed over packed — a few typed arrays and one string per batch
// instead of an object per record, which a worker would otherwise copy one by one (structured
// clone) and the main thread rebuild one by one.
import {openBootLogChunk, openBootLogSource, type BootLogStats} from '../readers/bootlog/index.js'
import {openByteSource} from '../readers/bootlog/source.js'
import type {Detection} from '../readers/bootlog/index.js'
import type {LogRecord} from '../types.js'
import {recordHints} from './analyser.js'

export interface ChunkTask {
  /** The piece's index in the file. */
  seq: number
  path: string
  /** The file, opened once on the main thread (split.ts): the pieces are read from it, not by path. */
  fd: number
  /** Byte range; `start` is 0 or a record boundary (split.ts); the last piece's `end` is Infinity. */
  start: number
  end: number
  /** The format sniffed from the file's start. */
  detected: Detection
}

/** Records of one batch; line numbers count from the piece's first line. */
export interface PackedRecords {
  /**
   * Every record's text, one after another, as UTF-8: bytes are handed over, where a string
   * would be copied twice (serialised, deserialised: ~15 % of the reader's time). The texts come
   * from decoded bytes, so they hold no lone surrogate and come back the same.
   */
  text: Uint8Array
  /** Where each text ends in the decoded string (UTF-16 units). */
  ends: Int32Array
  lines: Int32Array
  /** NaN: no time. */
  times: Float64Array
  /** -1: none. */
  levels: Int32Array
  facilities: Int32Array
  /** recordHints() of each text: the analysis's per-record gate, tested here instead of on the main thread. */
  hints: Uint8Array
  /** The wall clock (LogRecord.wall: dmesg -T, --time-format iso), NaN: none; absent when no record has one. */
  walls?: Float64Array
  /** The few records with a caller id, a sequence number, a boot id, the orphan or otherForm mark or messages dropped before them. */
  rare: Array<{i: number; caller?: string; seq?: number; boot?: string; orphan?: true; otherForm?: 'kmsg' | 'json'; dropped?: number}>
}

export type ChunkMessage =
  | {seq: number; records: PackedRecords; /** Bytes of the piece read so far. */ read: number}
  | {seq: number; stats: BootLogStats}
  | {seq: number; error: string; /** An InputError (exit 2), not a bug. */ input: boolean}

const ENCODER = new TextEncoder()
const EMPTY = new Uint8Array(0)

export function packRecords(b: readonly LogRecord[]): PackedRecords {
  const n = b.length
  const p: PackedRecords = {text: EMPTY, ends: new Int32Array(n), lines: new Int32Array(n), times: new Float64Array(n), levels: new Int32Array(n), facilities: new Int32Array(n), hints: new Uint8Array(n), rare: []}
  // Texts joined once (a rope, flattened when posted): no per-record string crosses the thread.
  const texts: string[] = new Array<string>(n)
  let at = 0
  for (let i = 0; i < n; i++) {
    const r = b[i]!
    texts[i] = r.text
    at += r.text.length
    p.ends[i] = at
    p.lines[i] = r.line
    p.times[i] = r.time ?? NaN
    p.levels[i] = r.level ?? -1
    p.facilities[i] = r.facility ?? -1
    p.hints[i] = recordHints(r.text)
    // A dmesg -T log's records all carry a wall clock: a column, not a rare object each.
    if (r.wall !== undefined) (p.walls ??= new Float64Array(n).fill(NaN))[i] = r.wall
    if (r.caller !== undefined || r.seq !== undefined || r.boot !== undefined || r.orphan || r.otherForm || r.dropped) {
      p.rare.push({i, ...(r.caller !== undefined ? {caller: r.caller} : {}), ...(r.seq !== undefined ? {seq: r.seq} : {}), ...(r.boot !== undefined ? {boot: r.boot} : {}), ...(r.orphan ? {orphan: true as const} : {}), ...(r.otherForm ? {otherForm: r.otherForm} : {}), ...(r.dropped ? {dropped: r.dropped} : {})})
    }
  }
  p.text = ENCODER.encode(texts.join(''))
  return p
}

/**
 * The records again, their lines moved by `base` (the lines of the pieces before), with the
 * fields in the order the readers set them (line, text, time, level, facility, caller, wall, seq, boot, dropped, otherForm).
 */
export function unpackRecords(p: PackedRecords, base: number): HintedBatch {
  const n = p.ends.length
  const out = new Array<LogRecord>(n)
  const text = Buffer.from(p.text.buffer, p.text.byteOffset, p.text.byteLength).toString('utf8')
  let from = 0
  let rare = 0
  const walls = p.walls
  for (let i = 0; i < n; i++) {
    const r: LogRecord = {line: p.lines[i]! + base, text: text.slice(from, p.ends[i])}
    from = p.ends[i]!
    const t = p.times[i]!
    if (!Number.isNaN(t)) r.time = t
    if (p.levels[i]! >= 0) r.level = p.levels[i]
    if (p.facilities[i]! >= 0) r.facility = p.facilities[i]
    const x = rare < p.rare.length && p.rare[rare]!.i === i ? p.rare[rare++]! : undefined
    if (x?.caller !== undefined) r.caller = x.caller
    const wall = walls?.[i]
    if (wall !== undefined && !Number.isNaN(wall)) r.wall = wall
    if (x !== undefined) {
      if (x.seq !== undefined) r.seq = x.seq
      if (x.boot !== undefined) r.boot = x.boot
      if (x.orphan) r.orphan = true
      if (x.dropped) r.dropped = x.dropped
      if (x.otherForm) r.otherForm = x.otherForm
    }
    out[i] = r
  }
  return Object.assign(out, {hints: p.hints})
}

/** Records with their recordHints() (read.ts passes them to the analysis). */
export type HintedBatch = LogRecord[] & {hints?: Uint8Array}

/** The typed arrays' memory, handed over rather than copied. */
export const transferOf = (p: PackedRecords): ArrayBuffer[] => [p.text.buffer, p.ends.buffer, p.lines.buffer, p.times.buffer, p.levels.buffer, p.facilities.buffer, p.hints.buffer, ...(p.walls ? [p.walls.buffer] : [])] as ArrayBuffer[]

/** Reads one piece and posts its record batches in order, then its reader stats. */
export async function readChunk(t: ChunkTask, post: (m: ChunkMessage) => void): Promise<void> {
  const src = await openByteSource(t.path, {range: {start: t.start, end: t.end, fd: t.fd}})
  // The first piece is read as openBootLog reads a file (its leading padding), in the format sniffed.
  const stream = t.start === 0 ? await openBootLogSource(t.path, src, {detected: t.detected, orphans: true}) : openBootLogChunk(t.path, src, t.detected, {orphans: true})
  for await (const b of stream.batches) post({seq: t.seq, records: packRecords(b), read: src.bytesRead()})
  post({seq: t.seq, stats: stream.stats()})
}
