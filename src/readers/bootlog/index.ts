// The boot-log reader: any supported kernel log format → a stream of LogRecord, read in bounded
// memory (records are handed out chunk by chunk; skipped lines are kept up to a cap and counted).
import type {InputPadding, LogRecord, Skipped} from '../../types.js'
import {InputError} from '../../errors.js'
import {plural} from '../../render/units.js'
import {DEFAULT_MAX_LINE, LineSplitter, TextChunker} from '../lines.js'
import {detectFormat, FORMATS_TRIED, LATE_STAMPED_LINES, SNIFF_LINES, timedKernel, type Detection} from './detect.js'
import type {FormatReader} from './engine.js'
import {formatEntry, type BootLogFormat} from './formats.js'
import {NulCounter, paddingLines, paddingSummary} from './padding.js'
import {Sink} from './sink.js'
import {openByteSource, type ByteSource} from './source.js'
import {REASON} from './text-formats.js'
import {inputName} from '../stdin.js'

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
  /** Lines that are part of a record; recordLines + skippedTotal === lines + (crSplits ?? 0). */
  recordLines: number
  /** Pieces a bare CR split off a line (a progress bar redrawn in place, CR-only line ends), each read as a line of its own under that line's number (lines.ts LineNumbers); absent when none. */
  crSplits?: number
  /** Lines longer than the line limit, cut at it. */
  truncatedLines: number
  /** The first of them. */
  firstTruncatedLine?: number
  /** NUL runs dropped and blank padding before the first text, when there were any. */
  padding?: InputPadding
  /** The input ends early: a compressed stream read with --accept-truncated, or a document cut short (dmesg --json). What was wrong. */
  truncatedInput?: string
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
  /** A compressed input that ends early is read up to its damage (and marked) instead of refused. */
  acceptTruncated?: boolean
  /** Called once when the input has given nothing for a second (a FIFO with no writer yet). */
  onWaiting?: () => void
  /** Also hand out the lines without a printk prefix of a timed text log, as orphan records (LogRecord.orphan). */
  orphans?: boolean
  /**
   * The format as sniffed from the whole file: the first piece of a file read in pieces
   * (src/analysis/split.ts) sniffs only for its leading padding, since it may hold less text than
   * detection reads.
   */
  detected?: Detection
}

/**
 * Records are handed out for at most this many input bytes at a time, whatever the read size: a
 * batch of ~1000 records dies young, a 1 MiB read's ~15 000 live through a scavenge and get
 * copied (GC went from ~6 % to ~15 % of an analyse run with whole 1 MiB batches).
 */
const BATCH_BYTES = 64 * 1024

/** Sniff at most this much text (after leading padding) for detection. */
const SNIFF_CHARS = 1 << 20
/**
 * ... and hold at most this many bytes of reads while sniffing, whatever they hold: SNIFF_CHARS
 * counts from the first non-blank line, so one endless first line (a gzip bomb of 'x') or endless
 * whitespace-only lines would be held whole (issue 14: 256 MiB of one line took 315 MiB).
 */
const SNIFF_HELD_MAX = 16 << 20
/**
 * Padding (NULs, blank lines) read before any text: past this, the input is refused rather
 * than read for ever (/dev/zero). A crashed machine's log or a sparse file stays well below.
 */
export const MAX_LEADING_PADDING = 2 ** 30

/** A format's reader with its sink, and the NUL filter in front of it. */
interface Engine {
  sink: Sink
  reader: FormatReader
  nul: NulCounter
  /** The format reads NUL bytes as data (binary fields): only leading NULs are dropped. */
  keepsNul: boolean
  /** The first byte has been fed (leading NULs stop being padding after it). */
  fed: boolean
}

function makeEngine(format: BootLogFormat, timed: boolean, maxLine: number, orphans = false): Engine {
  const sink = new Sink()
  sink.keepOrphans = orphans
  const entry = formatEntry(format)
  return {sink, reader: entry.open({sink, timed, maxLine}), nul: new NulCounter(), keepsNul: entry.bytes === true, fed: false}
}

/** Bytes into the engine, NUL runs dropped and counted (for a binary format, only those before its first byte). */
function feed(e: Engine, b: Buffer): void {
  if (!e.keepsNul) {
    const out = e.nul.drop(b)
    if (out.length > 0) e.reader.pushBytes(out)
    return
  }
  if (!e.fed) {
    const first = b.findIndex((x) => x !== 0)
    if (first === -1) {
      e.nul.drop(b)
      return
    }
    e.nul.drop(b.subarray(0, first))
    b = b.subarray(first)
    e.fed = true
  }
  e.reader.pushBytes(b)
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
    this.engine.reader.push(text.indexOf('\0') === -1 || this.engine.keepsNul ? text : text.replaceAll('\0', ''))
  }

  end(): void {
    this.engine.reader.end()
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
  /** SNIFF_HELD_MAX bytes were held: detection decides from what it has. */
  capped = false
  private stamped = false
  private late = 0
  private readonly splitter = new LineSplitter((l) => {
    if (l.trim().length === 0) return
    if (this.lines.length < SNIFF_LINES) {
      this.lines.push(l)
      // No CR to strip: the splitter ends a piece at every CR (lines.ts trimLineEndCR's rule).
      if (!this.stamped && timedKernel(l)) this.stamped = true
    } else if (!this.stamped && this.late < LATE_STAMPED_LINES && l.indexOf('[') !== -1 && timedKernel(l)) {
      this.lines.push(l)
      this.late++
    }
  }, 64 * 1024)

  push(t: string): void {
    // Blank lines before the first text (the tail of leading padding) do not use up the budget.
    if (this.lines.length > 0) this.chars += t.length
    this.splitter.push(t)
  }

  end(): void {
    this.splitter.end()
  }

  get crlf(): boolean {
    return this.splitter.sawCR
  }

  get full(): boolean {
    if (this.chars >= SNIFF_CHARS || this.capped) return true
    return this.lines.length >= SNIFF_LINES && (this.stamped || this.late >= LATE_STAMPED_LINES)
  }
}

/** `leading`: the padding let go before any text; an input of only NULs says how many it had. */
function decide(name: string, sniff: Sniffer, forced: BootLogFormat | undefined, leading?: Sniffed['leading']): Detection {
  if (sniff.lines.length === 0 && !sniff.full) {
    const nul = leading?.nul ? ` ${plural(leading.nul, 'NUL byte')}${leading.lines > 0 ? ` and ${plural(leading.lines, 'blank line')}` : ''} skipped, no text:` : ''
    throw new InputError(`${name}: empty:${nul} expected a kernel log`, name)
  }
  const d = detectFormat(sniff.lines, {crlf: sniff.crlf})
  if (forced) return {...d, format: forced, reason: `format forced to ${forced}`, recognised: true}
  if (!d.recognised) {
    if (d.shape) throw new InputError(`${name}: ${d.shape}`, name)
    const what = d.binary ? 'binary data, not a kernel log' : 'not a kernel log'
    throw new InputError(`${name}: ${what}: no line looks like a kernel record (tried ${FORMATS_TRIED})`, name)
  }
  return d
}

function statsOf(e: Engine, bytes: number, leading = {bytes: 0, lines: 0}, truncatedInput?: string): BootLogStats {
  const s = e.sink
  const out: BootLogStats = {
    lines: e.reader.lines(),
    records: s.records,
    skipped: [...s.skipped],
    droppedMessages: s.droppedMessages,
    bytes,
    skippedTotal: s.skippedTotal,
    skippedByReason: {...s.skippedByReason},
    recordLines: s.recordLines,
    truncatedLines: e.reader.truncated(),
  }
  const first = e.reader.firstTruncatedLine?.()
  if (first !== undefined) out.firstTruncatedLine = first
  const cr = e.reader.crSplits?.() ?? 0
  if (cr > 0) out.crSplits = cr
  const padding = paddingSummary(e.nul, leading)
  if (padding) out.padding = padding
  const cut = truncatedInput ?? s.cutShort
  if (cut !== undefined) out.truncatedInput = cut
  return out
}

/** What was read before the format was known: the reads to replay, and the padding let go. */
interface Sniffed {
  sniff: Sniffer
  held: Buffer[]
  eof: boolean
  /** nul: how many of those bytes were NUL (the rest blank lines). */
  leading: {bytes: number; lines: number; nul: number}
}

/**
 * Reads until detection has enough lines. Reads that are only padding before any text are
 * counted and let go (never held: /dev/zero, a gzip bomb of zeros, a sparse file stay small).
 */
async function sniffInput(name: string, it: AsyncIterator<Buffer>): Promise<Sniffed> {
  const chunker = new TextChunker()
  const out: Sniffed = {sniff: new Sniffer(), held: [], eof: false, leading: {bytes: 0, lines: 0, nul: 0}}
  let held = 0
  while (!out.sniff.full) {
    const r = await it.next()
    if (r.done) {
      out.eof = true
      out.sniff.push(chunker.end())
      out.sniff.end()
      break
    }
    const pad = out.held.length === 0 ? paddingLines(r.value) : undefined
    if (pad) {
      out.leading.bytes += r.value.length
      out.leading.lines += pad.lines
      out.leading.nul += pad.nul
      if (out.leading.bytes > MAX_LEADING_PADDING) {
        throw new InputError(`${name}: no text in the first ${MAX_LEADING_PADDING / 2 ** 30} GiB (only NUL bytes and blank lines): expected a kernel log`, name)
      }
      continue
    }
    out.held.push(r.value)
    out.sniff.push(chunker.write(r.value))
    held += r.value.length
    if (held >= SNIFF_HELD_MAX) out.sniff.capped = true
  }
  return out
}

/** A one-document input whose structure the reader found broken: an InputError naming the file and line. */
function refuseBroken(name: string, sink: Sink): void {
  const b = sink.broken
  if (b) throw new InputError(`${name}:${b.line}: ${b.what}`, name, b.line)
}

/** The records of an opened input, batch by batch. */
class Pump {
  private heldIndex = 0
  private done = false
  // The read chunk being parsed, a piece at a time.
  private cur: Buffer = Buffer.alloc(0)
  private curAt = 0

  constructor(
    private readonly name: string,
    private readonly engine: Engine,
    private readonly sniffed: Sniffed,
    private readonly it: AsyncIterator<Buffer>,
  ) {
    const lead = sniffed.leading
    if (lead.lines > 0) engine.sink.skipRun(1, lead.lines, REASON.leading)
    if (lead.bytes > 0) {
      engine.reader.skipLeading(lead.lines)
      engine.nul.skip(lead.bytes)
    }
  }

  /** The next non-empty batch of records, undefined at the end. */
  async next(): Promise<LogRecord[] | undefined> {
    const sink = this.engine.sink
    while (!this.done && sink.batch.length === 0) {
      if (this.curAt < this.cur.length) this.parsePiece()
      else await this.nextRead()
      refuseBroken(this.name, sink)
    }
    return sink.batch.length > 0 ? sink.drain() : undefined
  }

  private parsePiece(): void {
    const end = Math.min(this.curAt + BATCH_BYTES, this.cur.length)
    const piece = this.cur.subarray(this.curAt, end)
    this.curAt = end
    feed(this.engine, piece)
  }

  private async nextRead(): Promise<void> {
    const held = this.sniffed.held
    if (this.heldIndex < held.length) {
      this.cur = held[this.heldIndex]!
      held[this.heldIndex++] = Buffer.alloc(0)
    } else {
      const r = this.sniffed.eof ? undefined : await this.it.next()
      if (r === undefined || r.done) {
        this.engine.reader.end()
        this.done = true
        return
      }
      this.cur = r.value
    }
    this.curAt = 0
  }

  /** A consumer that stops early closes the file. */
  async close(): Promise<void> {
    if (!this.done) {
      this.done = true
      await this.it.return?.()
    }
  }
}

/** The BootLogStream's two ways to iterate over one Pump (only one of them, once). */
function iterators(pump: Pump): Pick<BootLogStream, 'records' | 'batches'> {
  let started = false
  function once(): void {
    if (started) throw new Error('a BootLogStream can be iterated only once')
    started = true
  }
  async function* batches(): AsyncGenerator<LogRecord[]> {
    once()
    try {
      for (let b = await pump.next(); b; b = await pump.next()) yield b
    } finally {
      await pump.close()
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
      const b = await pump.next()
      if (!b) return {value: undefined, done: true}
      batch = b
      i = 1
      return {value: b[0]!, done: false}
    }
    return {
      next: () => (i < batch.length ? Promise.resolve({value: batch[i++]!, done: false}) : fill()),
      return: async () => {
        await pump.close()
        return {value: undefined, done: true}
      },
    }
  }
  return {records: {[Symbol.asyncIterator]: records}, batches: {[Symbol.asyncIterator]: batches}}
}

/** Opens a boot log (a path, or '-' for stdin), detects its format and streams its records. */
export async function openBootLog(path: string, opts: OpenOptions = {}): Promise<BootLogStream> {
  const src = await openByteSource(path, {onProgress: opts.onProgress, acceptTruncated: opts.acceptTruncated, onWaiting: opts.onWaiting})
  return openBootLogSource(inputName(path), src, opts)
}

/** The same on a byte source already open (byteSourceFrom: a tar member); `name` is used in errors. */
export async function openBootLogSource(name: string, src: ByteSource, opts: OpenOptions = {}): Promise<BootLogStream> {
  const it = src.chunks[Symbol.asyncIterator]()
  let sniffed: Sniffed
  let d: Detection
  try {
    sniffed = await sniffInput(name, it)
    d = opts.detected ?? decide(name, sniffed.sniff, opts.format, sniffed.leading)
  } catch (e) {
    await it.return?.()
    throw e
  }
  const engine = makeEngine(d.format, d.timed, opts.maxLine ?? DEFAULT_MAX_LINE, opts.orphans)
  const pump = new Pump(name, engine, sniffed, it)
  return {
    format: d.format,
    formatReason: d.reason,
    ...iterators(pump),
    stats: () => statsOf(engine, src.bytesRead(), {bytes: sniffed.leading.bytes, lines: sniffed.leading.lines}, src.truncated()),
  }
}

/**
 * The format a file is read as, as openBootLog decides it (a file read in pieces: src/analysis/split.ts);
 * `fd`: read from the file already open (left open), not from what the path names by now.
 */
export async function sniffBootLogFile(path: string, opts: {format?: BootLogFormat; fd?: number} = {}): Promise<{detection: Detection; gzip: boolean}> {
  const src = await openByteSource(path, opts.fd !== undefined ? {range: {start: 0, end: Infinity, fd: opts.fd}} : {})
  const it = src.chunks[Symbol.asyncIterator]()
  try {
    const sniffed = await sniffInput(path, it)
    return {detection: decide(path, sniffed.sniff, opts.format, sniffed.leading), gzip: src.gzip}
  } finally {
    await it.return?.()
  }
}

/**
 * The records of a piece of a file that starts at a record boundary (a line that makes a record
 * of its own, see src/analysis/split.ts), in the format sniffed from the file's start: no sniffing
 * and no leading padding here. Line numbers count from the piece's first line.
 */
export function openBootLogChunk(name: string, src: ByteSource, d: Pick<Detection, 'format' | 'timed'>, opts: Pick<OpenOptions, 'maxLine' | 'orphans'> = {}): BootLogStream {
  const it = src.chunks[Symbol.asyncIterator]()
  const engine = makeEngine(d.format, d.timed, opts.maxLine ?? DEFAULT_MAX_LINE, opts.orphans)
  const none: Sniffed = {sniff: new Sniffer(), held: [], eof: false, leading: {bytes: 0, lines: 0, nul: 0}}
  const pump = new Pump(name, engine, none, it)
  return {format: d.format, formatReason: name, ...iterators(pump), stats: () => statsOf(engine, src.bytesRead())}
}

/** parseBootLogText's result: the stats, with `records` being the records themselves (count = length). */
export type ParsedBootLog = {format: BootLogFormat; formatReason: string; records: LogRecord[]} & Omit<BootLogStats, 'records'>

/**
 * Reads a whole boot log held in memory (tests, small inputs). Given its bytes (batch's small
 * files), a format that reads bytes (FormatEntry.bytes: journalctl -o export's binary fields, whose
 * length and value decoding as UTF-8 would change) gets them as the streamed reader feeds them;
 * the text decoded from them is sniffed and read by the others.
 */
export function parseBootLogText(input: string | Buffer, opts: {format?: BootLogFormat; maxLine?: number; orphans?: boolean; name?: string} = {}): ParsedBootLog {
  const bytes = typeof input === 'string' ? undefined : input
  let text = typeof input === 'string' ? input : input.toString('utf8')
  const raw = text
  if (text.indexOf('\0') !== -1) text = text.replaceAll('\0', '')
  const sniff = new Sniffer()
  // The budget starts at the first text: leading blank lines do not use it up.
  const end = Math.max(0, text.search(/\S/)) + SNIFF_CHARS
  sniff.push(text.length > end ? text.slice(0, end) : text)
  sniff.end()
  // Errors name the file the text came from when the caller says (batch's capture directories: as their streamed read does).
  const d = decide(opts.name ?? '<text>', sniff, opts.format)
  const engine = makeEngine(d.format, d.timed, opts.maxLine ?? DEFAULT_MAX_LINE, opts.orphans)
  if (engine.keepsNul && bytes !== undefined) feed(engine, bytes)
  else engine.reader.push(engine.keepsNul ? raw : text)
  engine.reader.end()
  refuseBroken(opts.name ?? '<text>', engine.sink)
  const {records: _count, ...stats} = statsOf(engine, bytes?.length ?? Buffer.byteLength(text))
  return {format: d.format, formatReason: d.reason, records: engine.sink.drain(), ...stats}
}
