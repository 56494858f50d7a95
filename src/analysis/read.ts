// Reader + analyser glue: a boot log on disk (or stdin) → BootAnalysis, streamed.
import {openBootLog, openBootLogSource, parseBootLogText, type BootLogStats} from '../readers/bootlog/index.js'
import {byteSourceFrom} from '../readers/bootlog/source.js'
import {REASON} from '../readers/bootlog/text-formats.js'
import {inputName} from '../readers/stdin.js'
import {DEFAULT_MAX_LINE} from '../readers/lines.js'
import {stat} from 'node:fs/promises'
import {InputError} from '../errors.js'
import type {BootAnalysis, BootLogFormat, InputNotes, Recorder} from '../types.js'
import {finishMeta} from './analyser.js'
import type {HintedBatch} from './split-chunk.js'
import type {RecordStream} from './split.js'
import {inputDamage} from './input-notes.js'
import {BootsAnalyser, describeBoot, type BootSelector, type BootsResult} from './boots.js'
import {HOST_FACT_LABELS} from './labels.js'

export interface AnalyseOptions {
  format?: BootLogFormat
  recorder?: Recorder
  onProgress?: (bytesRead: number, totalBytes?: number) => void
  /** Name shown as the source (default: the path). */
  source?: string
  /** A compressed log that ends early is read up to the damage (marked in `input`) instead of refused. */
  acceptTruncated?: boolean
  /** Called once when the input has given nothing for a second (a FIFO with no writer yet). */
  onWaiting?: () => void
  /** Which boot of a log holding several (`journalctl -b` numbering); default 0, the last. */
  boot?: number
  /**
   * A large regular file may be read on worker threads (split.ts; the result is the same). Only
   * the `analyse` command asks: `batch` already runs one input per worker. Tests give the cut
   * points (any size) and jobs (0: the pieces read on the main thread).
   */
  split?: boolean | {points: number[]; jobs?: number}
}

/** What the reader's stats say was cut or let go, or undefined when nothing was. */
export function inputNotes(st: BootLogStats): InputNotes | undefined {
  const n: InputNotes = {}
  if (st.truncatedLines > 0) n.longLines = {count: st.truncatedLines, ...(st.firstTruncatedLine !== undefined ? {firstLine: st.firstTruncatedLine} : {}), limit: DEFAULT_MAX_LINE}
  if (st.padding) n.padding = st.padding
  if (st.truncatedInput !== undefined) n.truncated = st.truncatedInput
  return Object.keys(n).length > 0 ? n : undefined
}

/** One warning per klab counter no kernel can have printed (negative, beyond 64 bits), with its line. */
export function counterWarnings(a: BootAnalysis): string[] {
  return a.klab.flatMap((k) =>
    (k.bad ?? []).map((b) => `${a.source}:${k.line}: klab ${k.kind} ${b.metric}=${b.digits} is ${b.problem}, which no kernel counter can be (a damaged line or broken instrumentation)`),
  )
}

/** One warning per once-per-boot message printed again in the boot with another value, naming both lines. */
export function conflictWarnings(a: BootAnalysis): string[] {
  return (a.factConflicts ?? []).map(
    (c) =>
      `${a.source}:${c.second.line}: ${HOST_FACT_LABELS[c.fact]} ${c.second.value}${unit(c.fact)} here, but ${c.first.value}${unit(c.fact)} at line ${c.first.line} of the same boot, from a message printed once per boot: two boots' lines with no boundary seen between them? (the first is kept)`,
  )
}

const unit = (fact: string): string => (fact.endsWith('KiB') ? ' KiB' : '')

/** The warnings a command prints for an analysis's input notes (one line each, naming the source). */
export function inputWarnings(a: BootAnalysis): string[] {
  return inputDamage(a.input).map((d) => `${a.source}: ${d.text}`)
}

/** One boot of a boot log: the one opts.boot names, by default the last (a log of one boot: that one). */
export async function analyseBootLog(path: string, opts: AnalyseOptions = {}): Promise<BootAnalysis> {
  return (await analyseBootLogBoots(path, opts, opts.boot ?? 0)).boots[0]!
}

/** Every boot of a boot log (the last MAX_BOOTS), or the one `select` names; each numbered when there are several. */
export async function analyseBootLogBoots(path: string, opts: AnalyseOptions = {}, select: BootSelector = 'all'): Promise<BootsResult> {
  const source = opts.source ?? inputName(path)
  const split = opts.split && path !== '-' ? await openSplit(path, opts) : undefined
  if (split) return analyseStream(split, source, opts, select)
  // Orphan lines (no printk prefix in a timed log): a report open at that point may take them.
  const stream = await openBootLog(path, {format: opts.format, onProgress: opts.onProgress, acceptTruncated: opts.acceptTruncated, onWaiting: opts.onWaiting, orphans: true})
  return analyseStream(stream, source, opts, select)
}

/** The same on bytes already flowing (a tar member in `batch`); `name` is the source shown and named in errors. */
export async function analyseBootLogBytes(name: string, chunks: AsyncIterable<Buffer>, opts: Omit<AnalyseOptions, 'source'> = {}): Promise<BootAnalysis> {
  return (await analyseBootLogBytesBoots(name, chunks, opts, opts.boot ?? 0)).boots[0]!
}

/** Every boot (or the one `select` names) of bytes already flowing. */
export async function analyseBootLogBytesBoots(name: string, chunks: AsyncIterable<Buffer>, opts: Omit<AnalyseOptions, 'source'> = {}, select: BootSelector = 'all'): Promise<BootsResult> {
  // The caller owns the member stream (a tar entry is drained, not destroyed, so the archive reads on).
  const src = await byteSourceFrom(name, chunks, {onProgress: opts.onProgress, closeOnStop: false, acceptTruncated: opts.acceptTruncated})
  const stream = await openBootLogSource(name, src, {format: opts.format, orphans: true})
  return analyseStream(stream, name, opts, select)
}

/**
 * Files from this size on are read on worker threads. Measured with two free cores (bench/NOTES.md):
 * 32 MiB 0.90 s split against 0.85 s on one thread, 64 MiB 1.32 against 1.45, 100 MiB 1.41
 * against 1.59 (wall, medians); below, starting a worker and warming it up costs more than it saves.
 */
export const SPLIT_MIN_BYTES = 64 << 20

/** ALLOCSCOPE_SPLIT (tests, measurements): `off`, or `at:<byte offset>,...` to cut there whatever the size. */
function splitEnv(env = process.env.ALLOCSCOPE_SPLIT): 'off' | {points: number[]} | undefined {
  if (env === 'off' || env === '0') return 'off'
  if (env?.startsWith('at:')) return {points: env.slice(3).split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0)}
  return undefined
}

/** The file on worker threads when it is a large regular file (split.ts says whether its format can be). */
async function openSplit(path: string, opts: AnalyseOptions): Promise<RecordStream | undefined> {
  const forced = typeof opts.split === 'object' ? opts.split : undefined
  const env = forced ? {points: forced.points} : splitEnv()
  const st = await stat(path).catch(() => undefined)
  if (env === 'off' || !st?.isFile() || (st.size < SPLIT_MIN_BYTES && env === undefined)) return undefined
  // Loaded only here: start-up of every other run stays as it was.
  const {openBootLogSplit} = await import('./split.js')
  return openBootLogSplit(path, {format: opts.format, onProgress: opts.onProgress, ...env, ...(forced?.jobs !== undefined ? {jobs: forced.jobs} : {})})
}

async function analyseStream(stream: RecordStream, source: string, opts: AnalyseOptions, select: BootSelector): Promise<BootsResult> {
  const a = new BootsAnalyser(source, select, {recorder: opts.recorder})
  // One await per read chunk, not per record (the per-record promise was ~37 % of the CPU).
  for await (const batch of stream.batches as AsyncIterable<HintedBatch>) {
    const h = batch.hints
    if (h) for (let i = 0; i < batch.length; i++) a.push(batch[i]!, h[i])
    else for (let i = 0; i < batch.length; i++) a.push(batch[i]!)
  }
  const st = stream.stats()
  noRecords(source, opts.format, st, stream.format)
  const out = a.finish(finishMeta({...st, format: stream.format, formatReason: stream.formatReason}))
  const notes = inputNotes(st)
  if (notes) for (const b of out.boots) b.input = notes
  return out
}

/** Skip reasons of lines with nothing in them (a log of only these is empty, not unreadable). */
const BLANK_REASONS = new Set<string>([REASON.empty, REASON.journalMeta, REASON.leading])

/**
 * A log with lines of text but no record (a format the user forced that reads none of it, or a
 * shape detection took for one it is not): a log of nothing would pass for one without findings
 * (exit 0). An input error naming the first line let go, as an undetectable log is.
 */
function noRecords(source: string, format: BootLogFormat | undefined, st: Pick<BootLogStats, 'lines' | 'skipped' | 'skippedByReason'> & {records: number}, detected: BootLogFormat): void {
  if (st.records > 0 || st.lines === 0) return
  if (format !== undefined) {
    throw new InputError(`${source}: ${st.lines === 1 ? 'its one line does not read' : `none of its ${st.lines} lines reads`} as a record of the format given (--input-format ${format}); expected a ${format} log, or leave --input-format out to have the format detected`, source)
  }
  const text = Object.entries(st.skippedByReason).reduce((n, [why, k]) => n + (BLANK_REASONS.has(why) ? 0 : k), 0)
  if (text === 0) return
  const first = st.skipped.find((x) => !BLANK_REASONS.has(x.reason))
  const at = first ? `:${first.line}` : ''
  const why = first ? ` (line ${first.line}: ${first.reason})` : ''
  throw new InputError(`${source}${at}: none of its ${text} non-blank lines reads as a kernel record of the format detected, ${detected}${why}; expected a kernel log (--input-format names its format)`, source, first?.line)
}

/** The same on text in memory: one boot (opts.boot, by default the last). */
export function analyseBootLogText(text: string, source: string, opts: Omit<AnalyseOptions, 'onProgress' | 'source'> = {}): BootAnalysis {
  return analyseBootLogTextBoots(text, source, opts, opts.boot ?? 0).boots[0]!
}

/** The same on a whole log in memory: its bytes (batch's small files: a format read as bytes gets them, parseBootLogText) or its text. */
export function analyseBootLogTextBoots(text: string | Buffer, source: string, opts: Omit<AnalyseOptions, 'onProgress' | 'source'> = {}, select: BootSelector = 'all'): BootsResult {
  const p = parseBootLogText(text, {format: opts.format, orphans: true, name: source})
  // The three facts noRecords reads, not a spread copy of the parse (V8's slow clone, bench/NOTES.md).
  noRecords(source, opts.format, {lines: p.lines, skipped: p.skipped, skippedByReason: p.skippedByReason, records: p.records.length}, p.format)
  // The records are slices of `text`, which the caller holds as long as the analysis: no copies.
  const a = new BootsAnalyser(source, select, {recorder: opts.recorder, wholeText: true})
  for (const r of p.records) a.push(r)
  return a.finish(finishMeta(p))
}

/** What a command that uses one boot says about it when the log holds several, or undefined. */
export function bootNote(a: BootAnalysis): string | undefined {
  if (!a.boot) return undefined
  return `${a.source}: the log holds ${a.boot.count} boots; using ${describeBoot(a.boot)}${a.boot.offset === 0 ? ', the last' : ''} (--boot N picks another: 1 the first, 0 the last, -1 the one before)`
}
