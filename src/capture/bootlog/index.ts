// The boot-log reader: any supported kernel log format → a stream of LogRecord, read in bounded
// memory (records are handed out chunk by chunk; skipped lines are kept up to a cap and counted).
import type {BootLogFormat, LogRecord, Skipped} from '../../types.js'
import {InputError, NotImplementedError} from '../../errors.js'
import {ByteLineSplitter, DEFAULT_MAX_LINE, LineSplitter, TextChunker} from '../lines.js'
import {detectFormat, FORMATS_TRIED, LATE_STAMPED_LINES, SNIFF_LINES, timedKernel, type Detection} from './detect.js'
import {DmesgJsonReader, JournalJsonReader} from './json-formats.js'
import {Sink} from './sink.js'
import {type ByteSource, openByteSource} from './source.js'
import {lineReaderFor} from './text-formats.js'

export {detectFormat} from './detect.js'
export type {Detection} from './detect.js'

export interface BootLogStats {
  /** Input lines (a last line without a newline counts). */
  lines: number
  records: number
  /** The first MAX_SKIPPED skipped lines; skippedTotal counts them all. */
  skipped: Skipped[]
  droppedMessages: number
  /** Bytes read from the input (compressed bytes for gzip). */
  bytes: number
  skippedTotal: number
  skippedByReason: Record<string, number>
  /** Lines that are part of a record; recordLines + skippedTotal === lines. */
  recordLines: number
  /** Lines longer than the line limit, cut at it. */
  truncatedLines: number
}

export interface BootLogStream {
  format: BootLogFormat
  formatReason: string
  /** Iterate once (either this or batches). */
  records: AsyncIterable<LogRecord>
  /** The same records a chunk at a time, for hot loops (saves one await per record). Iterate once. */
  batches: AsyncIterable<LogRecord[]>
  /** Final after iteration ends. */
  stats(): BootLogStats
}

export interface OpenOptions {
  format?: BootLogFormat
  onProgress?: (bytesRead: number, totalBytes?: number) => void
  /** Longest line kept: bytes for files and stdin, UTF-16 units for text; default 1 Mi. */
  maxLine?: number
}

const EMPTY = Buffer.alloc(0)
/**
 * Records are handed out for at most this many input bytes at a time, whatever the read size: a
 * batch of ~1000 records dies young, a 1 MiB read's ~15 000 live through a scavenge and get
 * copied (GC went from ~6 % to ~15 % of an analyse run with whole 1 MiB batches).
 */
const BATCH_BYTES = 64 * 1024

/** Sniff at most this much text for detection. */
const SNIFF_CHARS = 1 << 20

/** Text or bytes in (never both), records into the sink. */
interface Engine {
  sink: Sink
  push(text: string): void
  pushBytes(buf: Buffer): void
  end(): void
  lines(): number
  truncated(): number
}

function makeEngine(format: BootLogFormat, timed: boolean, maxLine: number): Engine {
  const sink = new Sink()
  if (format === 'dmesg-json') {
    const r = new DmesgJsonReader(sink, maxLine)
    const chunker = new TextChunker()
    return {
      sink,
      push: (t) => r.push(t),
      pushBytes: (b) => r.push(chunker.write(b)),
      end: () => {
        r.push(chunker.end())
        r.end()
      },
      lines: () => r.lines(),
      truncated: () => 0,
    }
  }
  const reader = format === 'journal-json' ? new JournalJsonReader(sink) : lineReaderFor(format, sink, {timed})
  if (!reader) throw new NotImplementedError(`reading the ${format} boot-log format`)
  const onLine = (l: string, no: number): void => reader.line(l, no)
  const text = new LineSplitter(onLine, maxLine)
  const bytes = new ByteLineSplitter(onLine, maxLine)
  return {
    sink,
    push: (t) => text.push(t),
    pushBytes: (b) => bytes.push(b),
    end: () => {
      text.end()
      bytes.end()
    },
    lines: () => text.lines + bytes.lines,
    truncated: () => text.truncated + bytes.truncated,
  }
}

/**
 * The push interface under openBootLog, for text that arrives in pieces (a serial line being
 * captured, tests that cut the input at every offset): push() text, drain() records, end().
 */
export class BootLogParser {
  private readonly engine: Engine
  constructor(
    readonly format: BootLogFormat,
    opts: {timed?: boolean; maxLine?: number} = {},
  ) {
    this.engine = makeEngine(format, opts.timed ?? true, opts.maxLine ?? DEFAULT_MAX_LINE)
  }

  push(text: string): void {
    this.engine.push(text.indexOf('\0') === -1 ? text : text.replaceAll('\0', ''))
  }

  end(): void {
    this.engine.end()
  }

  /** Records completed since the last drain. */
  drain(): LogRecord[] {
    return this.engine.sink.drain()
  }

  stats(bytes = 0): BootLogStats {
    return statsOf(this.engine, bytes)
  }
}

/** Collects the first non-empty lines for detection. */
class Sniffer {
  lines: string[] = []
  chars = 0
  private stamped = false
  private late = 0
  private readonly splitter = new LineSplitter((l) => {
    if (l.trim().length === 0) return
    if (this.lines.length < SNIFF_LINES) {
      this.lines.push(l)
      if (!this.stamped && timedKernel(l.endsWith('\r') ? l.slice(0, -1) : l)) this.stamped = true
    } else if (!this.stamped && this.late < LATE_STAMPED_LINES && l.indexOf('[') !== -1 && timedKernel(l)) {
      this.lines.push(l)
      this.late++
    }
  }, 64 * 1024)

  push(t: string): void {
    this.chars += t.length
    this.splitter.push(t)
  }

  end(): void {
    this.splitter.end()
  }

  get crlf(): boolean {
    return this.splitter.sawCR
  }

  get full(): boolean {
    if (this.chars >= SNIFF_CHARS) return true
    return this.lines.length >= SNIFF_LINES && (this.stamped || this.late >= LATE_STAMPED_LINES)
  }
}

function decide(name: string, sniff: Sniffer, forced: BootLogFormat | undefined): Detection {
  if (sniff.lines.length === 0 && !sniff.full) throw new InputError(`${name}: empty: expected a kernel log`, name)
  const d = detectFormat(sniff.lines, {crlf: sniff.crlf})
  if (forced) return {...d, format: forced, reason: `format forced to ${forced}`, recognised: true}
  if (!d.recognised) {
    const what = d.binary ? 'binary data, not a kernel log' : 'not a kernel log'
    throw new InputError(`${name}: ${what}: no line looks like a kernel record (tried ${FORMATS_TRIED})`, name)
  }
  return d
}

function statsOf(e: Engine, bytes: number): BootLogStats {
  const s = e.sink
  return {
    lines: e.lines(),
    records: s.records,
    skipped: [...s.skipped],
    droppedMessages: s.droppedMessages,
    bytes,
    skippedTotal: s.skippedTotal,
    skippedByReason: {...s.skippedByReason},
    recordLines: s.recordLines,
    truncatedLines: e.truncated(),
  }
}

/** Opens a boot log (a path, or '-' for stdin), detects its format and streams its records. */
export async function openBootLog(path: string, opts: OpenOptions = {}): Promise<BootLogStream> {
  return openBootLogSource(path === '-' ? '<stdin>' : path, await openByteSource(path, opts.onProgress), opts)
}

/** The same on a byte source already open (byteSourceFrom: a tar member); `name` is used in errors. */
export async function openBootLogSource(name: string, src: ByteSource, opts: OpenOptions = {}): Promise<BootLogStream> {
  const it = src.chunks[Symbol.asyncIterator]()
  const chunker = new TextChunker()
  const sniff = new Sniffer()
  const held: Buffer[] = []
  let eof = false
  while (!sniff.full) {
    const r = await it.next()
    if (r.done) {
      eof = true
      sniff.push(chunker.end())
      sniff.end()
      break
    }
    held.push(r.value)
    sniff.push(chunker.write(r.value))
  }
  let d: Detection
  try {
    d = decide(name, sniff, opts.format)
  } catch (e) {
    await it.return?.()
    throw e
  }
  const engine = makeEngine(d.format, d.timed, opts.maxLine ?? DEFAULT_MAX_LINE)
  let started = false
  let heldIndex = 0
  let done = false
  // The read chunk being parsed, a piece at a time.
  let cur: Buffer = EMPTY
  let curAt = 0
  /** The next non-empty batch of records, undefined at the end. */
  async function nextBatch(): Promise<LogRecord[] | undefined> {
    const sink = engine.sink
    while (!done && sink.batch.length === 0) {
      if (curAt < cur.length) {
        const end = Math.min(curAt + BATCH_BYTES, cur.length)
        engine.pushBytes(cur.subarray(curAt, end))
        curAt = end
        continue
      }
      cur = EMPTY
      if (heldIndex < held.length) {
        cur = held[heldIndex]!
        curAt = 0
        held[heldIndex++] = EMPTY
        continue
      }
      const r = eof ? undefined : await it.next()
      if (r === undefined || r.done) {
        engine.end()
        done = true
      } else {
        cur = r.value
        curAt = 0
      }
    }
    return sink.batch.length > 0 ? sink.drain() : undefined
  }
  function once(): void {
    if (started) throw new Error('a BootLogStream can be iterated only once')
    started = true
  }
  /** A consumer that stops early closes the file. */
  async function close(): Promise<void> {
    if (!done) {
      done = true
      await it.return?.()
    }
  }
  async function* batches(): AsyncGenerator<LogRecord[]> {
    once()
    try {
      for (let b = await nextBatch(); b; b = await nextBatch()) yield b
    } finally {
      await close()
    }
  }
  // A hand-written iterator rather than an async generator: records of the current batch come
  // back as already-resolved promises, one microtask each instead of a generator's several.
  function records(): AsyncIterator<LogRecord> {
    try {
      once()
    } catch (e) {
      return {next: () => Promise.reject(e)}
    }
    let batch: LogRecord[] = []
    let i = 0
    const fill = async (): Promise<IteratorResult<LogRecord>> => {
      const b = await nextBatch()
      if (!b) return {value: undefined, done: true}
      batch = b
      i = 1
      return {value: b[0]!, done: false}
    }
    return {
      next: () => (i < batch.length ? Promise.resolve({value: batch[i++]!, done: false}) : fill()),
      return: async () => {
        await close()
        return {value: undefined, done: true}
      },
    }
  }
  return {
    format: d.format,
    formatReason: d.reason,
    records: {[Symbol.asyncIterator]: records},
    batches: {[Symbol.asyncIterator]: batches},
    stats: () => statsOf(engine, src.bytesRead()),
  }
}

/** parseBootLogText's result: the stats, with `records` being the records themselves (count = length). */
export type ParsedBootLog = {format: BootLogFormat; formatReason: string; records: LogRecord[]} & Omit<BootLogStats, 'records'>

/** Reads a whole boot log held in memory (tests, small inputs). */
export function parseBootLogText(text: string, opts: {format?: BootLogFormat; maxLine?: number} = {}): ParsedBootLog {
  if (text.indexOf('\0') !== -1) text = text.replaceAll('\0', '')
  const sniff = new Sniffer()
  sniff.push(text.length > SNIFF_CHARS ? text.slice(0, SNIFF_CHARS) : text)
  sniff.end()
  const d = decide('<text>', sniff, opts.format)
  const engine = makeEngine(d.format, d.timed, opts.maxLine ?? DEFAULT_MAX_LINE)
  engine.push(text)
  engine.end()
  const {records: _count, ...stats} = statsOf(engine, Buffer.byteLength(text))
  return {format: d.format, formatReason: d.reason, records: engine.sink.drain(), ...stats}
}
