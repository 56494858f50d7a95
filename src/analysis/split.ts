// A large boot log read on several cores: the file is cut into pieces at record boundaries,
// worker threads read the pieces into records (split-chunk.ts) and the main thread runs the one
// analysis over them in file order. The analysis stays sequential on purpose: boots, replayed
// stamps, splats, host facts and per-signature groups are all state that runs through the whole
// log, and feeding the same records in the same order to the same BootsAnalyser makes the result
// the single-threaded one by construction (a splat across a cut is one report; lines are the
// file's). What moves off the main thread is the reader (0.73 of 1.69 s of CPU on the 100 MiB
// bench log, in process) and the analysis's per-record gate test (recordHints).
import {closeSync, fstatSync, openSync, readSync} from 'node:fs'
import {availableParallelism} from 'node:os'
import type {Worker} from 'node:worker_threads'
import {InputError} from '../errors.js'
import {openFileSync} from '../readers/bootlog/source.js'
import {sniffBootLogFile, type BootLogStats, type BootLogStream} from '../readers/bootlog/index.js'
import {MAX_RANGES} from '../readers/bootlog/padding.js'
import {readPrefix} from '../readers/bootlog/prefix.js'
import {DROPPED} from '../readers/bootlog/text-formats.js'
import {trimLineEndCR} from '../readers/lines.js'
import {MAX_SKIPPED} from '../readers/bootlog/sink.js'
import type {BootLogFormat, LogRecord} from '../types.js'
import {readChunk, unpackRecords, type ChunkMessage, type ChunkTask} from './split-chunk.js'

/** Piece size: small enough that the pieces read ahead of the analysis stay small in memory. */
export const CHUNK_BYTES = 4 << 20
/**
 * Formats whose records can be told apart at a line start: a line with its own printk prefix
 * is a record by itself and the reader carries nothing over it (KernelTextReader's `prev` is only
 * read for the indented lines after it). Other formats are read on one thread.
 */
const SPLITTABLE: ReadonlySet<BootLogFormat> = new Set<BootLogFormat>(['dmesg', 'dmesg-raw', 'console'])
/** A log from this size on is read with the collectors' slack bounded (v8-flags.ts boundHeaps: 1 GiB peaked at up to 214 MiB). */
const BOUND_HEAPS_BYTES = 256 << 20
/** A boundary is looked for this far after the point asked for; none there: no cut at that point. */
const SCAN_LIMIT = 4 << 20
/** A line longer than this is not taken as a boundary (the reader may cut it: see maxLine). */
const MAX_BOUNDARY_LINE = 64 << 10

export interface SplitOptions {
  format?: BootLogFormat
  onProgress?: (bytesRead: number, totalBytes?: number) => void
  /** Cut here (byte offsets, each moved on to the next record boundary) instead of every CHUNK_BYTES; tests and measurements. */
  points?: number[]
  /** Worker threads; 0 reads the pieces on the main thread (tests: the same pieces and merge, no threads). */
  jobs?: number
}

/**
 * Whether the line from `from` to `lf` (its LF) makes a record of its own: it starts with a printk
 * prefix the reader reads (KernelTextReader.line: `[`, `<` or a digit, then readPrefix), and holds
 * no byte that changes what the reader sees of it (NUL dropped, a CR splitting the line, ESC
 * stripped). CRs right before the LF are its line end (a serial console's CR LF or CR CR LF).
 */
function ownRecordLine(buf: Buffer, from: number, lf: number): boolean {
  const c = buf[from]!
  if (!(c === 0x5b || c === 0x3c || (c >= 0x30 && c <= 0x39)) || lf - from > MAX_BOUNDARY_LINE) return false
  let end = lf
  while (end > from && buf[end - 1] === 13) end--
  for (let i = from; i < end; i++) {
    const b = buf[i]!
    if (b === 0 || b === 13 || b === 27) return false
  }
  return readPrefix(buf.toString('utf8', from, end)) !== undefined
}

/** Longest `** N printk messages dropped **` line looked for (N a u64: 45 characters, CR LF). */
const NOTICE_MAX = 64

/**
 * Whether the line ending at the LF at `lf` is a dropped-messages notice alone: its count goes to
 * the next record (LogRecord.dropped), which a piece starting there would never get (its reader
 * starts at 0): no cut there.
 */
function afterDroppedNotice(fd: number, lf: number): boolean {
  const from = Math.max(0, lf - NOTICE_MAX)
  const buf = Buffer.allocUnsafe(lf - from)
  const got = buf.subarray(0, readSync(fd, buf, 0, buf.length, from))
  const nl = got.lastIndexOf(10)
  if (nl === -1 && from > 0) return false
  const line = trimLineEndCR(got.toString('latin1', nl + 1))
  const m = DROPPED.exec(line)
  return m !== null && line.slice(m[0].length).trim() === ''
}

/** The first record boundary at or after `at` (a line start after an LF), or undefined within SCAN_LIMIT. */
export function recordBoundary(fd: number, at: number, size: number): number | undefined {
  const window = Buffer.allocUnsafe(MAX_BOUNDARY_LINE * 4)
  // From the byte before `at`: a line that starts at `at` itself qualifies.
  let pos = at - 1
  while (pos < size - 1 && pos < at + SCAN_LIMIT) {
    const buf = window.subarray(0, readSync(fd, window, 0, window.length, pos))
    if (buf.length === 0) return undefined
    let lf = buf.indexOf(10)
    while (lf !== -1) {
      const start = lf + 1
      if (pos + start >= size) return undefined
      const next = buf.indexOf(10, start)
      if (next === -1) {
        // The file's last line (no LF after it), or a line that runs past this window.
        if (pos + buf.length >= size) return ownRecordLine(buf, start, buf.length) ? pos + start : undefined
        break
      }
      if (ownRecordLine(buf, start, next) && !afterDroppedNotice(fd, pos + lf)) return pos + start
      lf = next
    }
    // The next window starts at the LF before the line not yet seen whole.
    pos += lf > 0 ? lf : lf === 0 ? 1 : buf.length
  }
  return undefined
}

/** Offset of the first byte that is not padding (NUL, blank) before `limit`, or undefined. */
function firstText(fd: number, limit: number): number | undefined {
  const buf = Buffer.allocUnsafe(64 << 10)
  for (let pos = 0; pos < limit; ) {
    const n = readSync(fd, buf, 0, Math.min(buf.length, limit - pos), pos)
    if (n === 0) return undefined
    for (let i = 0; i < n; i++) {
      const c = buf[i]!
      if (c !== 0 && c !== 10 && c !== 13 && c !== 32 && c !== 9) return pos + i
    }
    pos += n
  }
  return undefined
}

/**
 * The pieces' byte ranges: cut at record boundaries near `points` (or every CHUNK_BYTES). The
 * first piece holds the first text: it is read for the leading padding as the whole file is.
 */
export function planPieces(file: string | number, size: number, points?: number[]): Array<{start: number; end: number}> {
  const wanted = points ?? Array.from({length: Math.floor((size - 1) / CHUNK_BYTES)}, (_, i) => (i + 1) * CHUNK_BYTES)
  const fd = typeof file === 'number' ? file : openSync(file, 'r')
  const cuts = new Set<number>()
  try {
    for (const p of wanted) {
      const b = p > 0 && p < size ? recordBoundary(fd, p, size) : undefined
      if (b !== undefined) cuts.add(b)
    }
    const text = cuts.size > 0 ? firstText(fd, Math.min(...cuts)) : undefined
    if (text === undefined) return [{start: 0, end: size}]
    for (const c of cuts) if (c <= text) cuts.delete(c)
  } finally {
    if (fd !== file) closeSync(fd)
  }
  const starts = [0, ...[...cuts].sort((a, b) => a - b)]
  return starts.map((start, i) => ({start, end: starts[i + 1] ?? size}))
}

/**
 * The reader stats of the whole file from its pieces' (each counting lines from its own first),
 * added piece by piece in file order (a piece's skipped lines are let go once merged): what
 * openBootLog's stats() would say, lines and offsets moved to the file's.
 */
export class StatsMerger {
  private readonly out: BootLogStats = {lines: 0, records: 0, skipped: [], droppedMessages: 0, bytes: 0, skippedTotal: 0, skippedByReason: {}, recordLines: 0, truncatedLines: 0}
  private readonly nul = {ranges: 0, bytes: 0, first: [] as Array<{offset: number; bytes: number}>}
  private leading?: {bytes: number; lines: number}

  add(start: number, s: BootLogStats): void {
    const out = this.out
    const base = out.lines
    for (const k of s.skipped) if (out.skipped.length < MAX_SKIPPED) out.skipped.push({...k, line: k.line + base})
    for (const [reason, n] of Object.entries(s.skippedByReason)) out.skippedByReason[reason] = (out.skippedByReason[reason] ?? 0) + n
    if (out.firstTruncatedLine === undefined && s.firstTruncatedLine !== undefined) out.firstTruncatedLine = s.firstTruncatedLine + base
    out.lines += s.lines
    out.records += s.records
    out.droppedMessages += s.droppedMessages
    out.bytes += s.bytes
    out.skippedTotal += s.skippedTotal
    out.recordLines += s.recordLines
    if (s.crSplits) out.crSplits = (out.crSplits ?? 0) + s.crSplits
    out.truncatedLines += s.truncatedLines
    const pn = s.padding?.nul
    if (pn) {
      this.nul.ranges += pn.ranges
      this.nul.bytes += pn.bytes
      for (const r of pn.first) if (this.nul.first.length < MAX_RANGES) this.nul.first.push({offset: r.offset + start, bytes: r.bytes})
    }
    // Only the first piece can have leading padding; a cut is never inside a NUL run (the line after it starts with a prefix).
    if (s.padding?.leading) this.leading = {...s.padding.leading}
    if (s.truncatedInput !== undefined) out.truncatedInput = s.truncatedInput
  }

  /** The lines of the pieces added so far. */
  get lines(): number {
    return this.out.lines
  }

  result(): BootLogStats {
    const padding = {...(this.nul.bytes > 0 ? {nul: this.nul} : {}), ...(this.leading ? {leading: this.leading} : {})}
    return Object.keys(padding).length > 0 ? {...this.out, padding} : {...this.out}
  }
}

/** The pieces' messages, each piece's in order, the pieces in file order. */
type Messages = AsyncIterable<ChunkMessage>

/** On the main thread, one piece after another (tests: the same pieces and merge, without threads). */
async function* inProcess(tasks: ChunkTask[]): Messages {
  for (const t of tasks) {
    const got: ChunkMessage[] = []
    await readChunk(t, (m) => got.push(m))
    yield* got
  }
}

/**
 * On worker threads (exported for tests): piece i goes to worker i mod n. A piece is handed out
 * once the analysis has reached the piece n before it, so at most n + 1 pieces' records wait in
 * memory (the reader is faster than the analysis), whatever the size of the file.
 */
export async function* onThreads(tasks: ChunkTask[], workers: Worker[]): Messages {
  const got: ChunkMessage[][] = tasks.map(() => [])
  let wake: (() => void) | undefined
  let failed: Error | undefined
  for (const w of workers) {
    w.on('message', (m: ChunkMessage) => {
      got[m.seq]!.push(m)
      wake?.()
    })
    w.on('error', (e) => {
      failed = e
      wake?.()
    })
    // A thread that stops of itself posts nothing more: waiting for its pieces would never end
    // (the process exited 13, silently). terminate() after the last piece comes when nothing waits.
    w.on('exit', (code) => {
      failed ??= new Error(`a reader thread stopped (exit code ${code}) before the log was read`)
      wake?.()
    })
  }
  let sent = 0
  const send = (upTo: number): void => {
    for (; sent <= upTo && sent < tasks.length; sent++) workers[sent % workers.length]!.postMessage(tasks[sent])
  }
  for (let seq = 0; seq < tasks.length; seq++) {
    send(seq + workers.length)
    for (let done = false; !done; ) {
      while (got[seq]!.length === 0) {
        if (failed) throw failed
        await new Promise<void>((r) => (wake = r))
      }
      const m = got[seq]!.shift()!
      done = !('records' in m)
      yield m
    }
  }
}

const WORKER_URL = new URL('./split-worker.js', import.meta.url)

/** Worker threads for `n` pieces: one per core but one (the main thread analyses), at least one. */
async function startReaders(jobs: number | undefined, pieces: number): Promise<Worker[]> {
  const n = Math.max(1, Math.min(pieces, jobs ?? availableParallelism() - 1))
  // Lazily: worker_threads and batch's pool (node:v8) load only for a file that is split.
  const {newWorker} = await import('../batch/pool.js')
  return Array.from({length: n}, () => newWorker(WORKER_URL))
}

/** What the analysis reads of a boot log: openBootLog's stream, or the split reader's. */
export type RecordStream = Pick<BootLogStream, 'format' | 'formatReason' | 'batches' | 'stats'>

/**
 * A large regular file in a splittable format, opened to be read in pieces: the same stream as
 * openBootLog's (records in file order, stats of the whole file), or undefined when the file is
 * not one to split (small, compressed, another format, no boundary found).
 */
export async function openBootLogSplit(path: string, opts: SplitOptions = {}): Promise<RecordStream | undefined> {
  // Opened once, as openBootLog opens it: every piece is read from this descriptor (the process's,
  // so the workers' too), not by its path, which log rotation may rename, replace or remove
  // while the file is read.
  const fd = openFileSync(path)
  try {
    const stream = await splitStream(path, fd, opts)
    if (stream) return stream
  } catch (e) {
    closeSync(fd)
    throw e
  }
  closeSync(fd)
  return undefined
}

/** openBootLogSplit's stream on the open file `fd`, which its batches close when they end. */
async function splitStream(path: string, fd: number, opts: SplitOptions): Promise<RecordStream | undefined> {
  const size = fstatSync(fd).size
  const sniff = await sniffBootLogFile(path, {format: opts.format, fd})
  const d = sniff.detection
  if (sniff.gzip || !SPLITTABLE.has(d.format)) return undefined
  const pieces = planPieces(fd, size, opts.points)
  if (pieces.length < 2) return undefined
  // The last piece reads to the end of the file, as openBootLog does (a log still being written).
  const tasks: ChunkTask[] = pieces.map((p, seq) => ({seq, path, fd, start: p.start, end: seq === pieces.length - 1 ? Infinity : p.end, detected: d}))
  const workers = opts.jobs === 0 ? [] : await startReaders(opts.jobs, tasks.length)
  // A very large log: the collectors' slack is what peak memory is made of (v8-flags.ts boundHeaps).
  const heaps = size >= BOUND_HEAPS_BYTES ? await import('../v8-flags.js') : undefined
  heaps?.boundHeaps()
  const merged = new StatsMerger()
  async function* batches(): AsyncGenerator<LogRecord[]> {
    try {
      for await (const m of workers.length ? onThreads(tasks, workers) : inProcess(tasks)) {
        if ('error' in m) throw m.input ? new InputError(m.error, path) : new Error(`reading ${path} on a worker thread: ${m.error}`)
        const start = tasks[m.seq]!.start
        if ('stats' in m) {
          merged.add(start, m.stats)
          continue
        }
        opts.onProgress?.(start + m.read, size)
        yield unpackRecords(m.records, merged.lines)
      }
    } finally {
      await Promise.all(workers.map((w) => w.terminate()))
      closeSync(fd)
      heaps?.restoreHeaps()
    }
  }
  return {format: d.format, formatReason: d.reason, batches: {[Symbol.asyncIterator]: batches}, stats: () => merged.result()}
}
