// What `fleet` reads: NDJSON from `batch` (files or stdin; gzip-compressed too, readers/decoded.ts), and earlier fleet summaries — the
// `fleet --json` envelope (pretty-printed; several of them concatenated, `cat a.json b.json`, are
// read one after the other) or a bare allocscope/fleet-v2 object on one line — so that summaries
// merge again. Records are folded as they are read.
import {createReadStream} from 'node:fs'
import {BATCH_SCHEMA, type BatchRecord} from '../batch/schema.js'
import {InputError, ioReason} from '../errors.js'
import {type Damage, decoded, gzipCutError} from '../readers/decoded.js'
import {LineSplitter, TextChunker} from '../readers/lines.js'
import {SCHEMA} from '../render/json.js'
import {summaryOfRecord} from './record.js'
import {batchRecord, describeProblem, fleetSummary, type Problem} from './shape.js'
import {emptySummary, FLEET_OLDER, FLEET_SCHEMA, Folder, type FleetSummary, mergeSummaries} from './summary.js'
import {inputName} from '../readers/stdin.js'
import {fileId, inputStatOf, type PathCache} from '../readers/stat.js'
import {noticeIfWaiting} from '../readers/wait.js'

/** What fleet reads, plain or gzip-compressed (readers/decoded.ts). */
const WHAT = `NDJSON records of allocscope batch (${BATCH_SCHEMA}) or a fleet summary (${FLEET_SCHEMA}, or fleet --json)`
const EXPECTED = `expected ${WHAT}`

/** A file that cannot be opened or read: why, and what fleet reads. */
const describeIoError = (path: string, e: unknown): InputError => new InputError(`${path}: ${ioReason(e)}; ${EXPECTED}`, path)

/** A value of the right schema but the wrong shape: where, what is wrong, and what was expected. */
function shapeError(p: Problem, what: string, where: string, line: number, hint = ''): InputError {
  return new InputError(`${where}:${line}: ${what}: ${describeProblem(p)}${hint}`, where, line)
}

/**
 * The fields of the summaries read that this allocscope does not know (a newer one's, added to
 * v2 as anomalies were): merge has no rule for them (a count sums, a set unions, an example takes
 * the least: which is it?), so the merged summary leaves them out, and one warning names them all
 * with where the first was seen, rather than losing them silently.
 */
export class UnknownFields {
  private readonly names = new Set<string>()
  private first = ''

  /** What shape.ts fleetSummary is told, for the summary at where:line. */
  at(where: string, line: number): (field: string) => void {
    return (field) => {
      if (this.names.size === 0) this.first = `${where}:${line}`
      this.names.add(field)
    }
  }

  warnings(): string[] {
    if (this.names.size === 0) return []
    const names = [...this.names].sort().join(', ')
    return [`${this.first}: fields this allocscope does not know in a fleet summary, left out of the merged one: ${names} (a newer allocscope's: merge with it to keep them)`]
  }
}

/**
 * A name a summary holds where this allocscope knows a fixed set (a recorder, an anomaly kind, a
 * severity: map keys and values): most likely a newer allocscope's summary, which merge cannot
 * fold into this one's tables. Said, as the unknown fields' warning says it (UnknownFields).
 */
const NEWER_KIND = " (a name this allocscope does not know: a newer allocscope's summary? merge with that one)"

/** One parsed JSON value → the summary it stands for; its shape is checked here, once, before any use. */
export function summaryOfValue(v: unknown, where: string, line: number, unknown?: UnknownFields): FleetSummary {
  const o = v as {schema?: unknown; command?: unknown; result?: unknown}
  if (o?.schema === BATCH_SCHEMA) {
    const p = batchRecord(v)
    if (p) throw shapeError(p, `a batch record (${BATCH_SCHEMA})`, where, line)
    return summaryOfRecord(v as BatchRecord)
  }
  if (o?.schema === FLEET_SCHEMA) {
    const p = fleetSummary(v, unknown?.at(where, line))
    if (p) throw shapeError(p, `a fleet summary (${FLEET_SCHEMA})`, where, line, p.unknownName ? NEWER_KIND : '')
    return v as FleetSummary
  }
  if (o?.schema === SCHEMA && o.command === 'fleet') return summaryOfValue(o.result, where, line, unknown)
  if (typeof o?.schema === 'string' && FLEET_OLDER.includes(o.schema)) {
    throw new InputError(`${where}:${line}: a fleet summary of an earlier version (${o.schema}); expected ${FLEET_SCHEMA}: run fleet again over the batch records it summarised`, where, line)
  }
  throw new InputError(`${where}:${line}: schema ${JSON.stringify(o?.schema)}; ${EXPECTED}`, where, line)
}

function parse(text: string, where: string, line: number): unknown {
  try {
    return JSON.parse(text)
  } catch (e) {
    throw new InputError(`${where}:${line}: not JSON (${(e as Error).message}); ${EXPECTED}`, where, line)
  }
}

/**
 * The longest line, and the longest pretty-printed summary, read (UTF-16 units): a batch record is
 * a few KiB, a summary of a large fleet a few MiB. Past it the input is refused, not held (issue 14:
 * readline kept a line without an end whole, so `fleet /dev/zero` grew without bound).
 */
const MAX_TEXT = 64 * 2 ** 20

/**
 * Folds one input: line by line, but a line that is a lone `{` opens a pretty-printed document,
 * read up to the line that closes it (then lines again: concatenated documents are folded as any
 * other records are, merging being associative).
 */
export async function readFleetInput(path: string, onWaiting?: () => void, unknown?: UnknownFields): Promise<FleetSummary> {
  const where = inputName(path)
  const stream = path === '-' ? process.stdin : createReadStream(path)
  const opened = new Promise<void>((res, rej) => {
    if (path === '-') return res()
    stream.once('open', () => res())
    stream.once('error', (e: Error) => rej(describeIoError(path, e)))
  })
  let it: AsyncIterator<Buffer> | undefined
  // Opening a FIFO waits for its writer, the first read for data (stdin on a terminal): a notice after a second (readers/wait.ts).
  const first = noticeIfWaiting(opened.then(() => (it = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]()).next()), onWaiting)
  async function* watched(): AsyncGenerator<Buffer> {
    for (let r = await first; !r.done; r = await it!.next()) yield r.value
  }
  const fold = new Folder()
  const doc = new FleetDocument(where)
  const splitter = new LineSplitter((l, n) => {
    if (splitter.truncated) throw new InputError(`${where}:${n}: a line longer than 64 MiB; ${EXPECTED}`, where, n)
    if (doc.open || l.trim() === '{') {
      if (doc.push(l, n)) foldDocument(fold, doc, where, unknown)
    } else if (l.trim() !== '') fold.add(summaryOfValue(parse(l, where, n), where, n, unknown))
  }, MAX_TEXT + 1)
  const chunker = new TextChunker()
  const damage: Damage = {}
  let offset = 0
  try {
    for await (const chunk of decoded(watched(), where, WHAT, damage)) {
      const nul = chunk.indexOf(0)
      if (nul !== -1) throw nulError(splitter, chunker, chunk.subarray(0, nul), where, offset + nul)
      offset += chunk.length
      splitter.push(chunker.write(chunk))
    }
  } catch (e) {
    // A directory opens but cannot be read (EISDIR); an I/O error can come mid-file.
    throw (e as NodeJS.ErrnoException).code === undefined ? e : describeIoError(where, e)
  } finally {
    // Closes the file when a bad line stops the read (stdin is left open).
    if (path !== '-') await it?.return?.()
  }
  // Before the last line is judged: a cut stream's is cut, not bad JSON.
  if (damage.what !== undefined) throw gzipCutError(where, EXPECTED)
  splitter.push(chunker.end())
  splitter.end()
  // Not closed: JSON.parse says what is missing, at the line that opened it.
  if (doc.open) foldDocument(fold, doc, where, unknown)
  return fold.result()
}

/**
 * A NUL byte refused with its line, as every other problem is: the text before it is split first,
 * so the lines it ends are read (and refused first when they are bad) and the splitter is at its line.
 */
function nulError(splitter: LineSplitter, chunker: TextChunker, before: Buffer, where: string, byte: number): InputError {
  splitter.push(chunker.write(before))
  const n = splitter.current
  return new InputError(`${where}:${n}: binary data (a NUL byte at byte ${byte}); ${EXPECTED}`, where, n)
}

function foldDocument(fold: Folder, doc: FleetDocument, where: string, unknown?: UnknownFields): void {
  const {text, line} = doc.take()
  fold.add(summaryOfValue(parse(text, where, line), where, line, unknown))
}

/**
 * A pretty-printed summary's lines, at most MAX_TEXT in all, and the nesting depth of its braces
 * and brackets outside strings: back at 0, the document is whole. A JSON string never spans a
 * line (a newline in it is escaped), so each line starts outside one.
 */
class FleetDocument {
  private lines: string[] = []
  private length = 0
  private depth = 0
  private first = 0
  constructor(private readonly where: string) {}
  get open(): boolean {
    return this.lines.length > 0
  }
  /** Adds line `n`; true when it closes the document. */
  push(line: string, n: number): boolean {
    if (!this.open) this.first = n
    this.length += line.length + 1
    if (this.length > MAX_TEXT) throw new InputError(`${this.where}:${this.first}: a summary document longer than 64 MiB; ${EXPECTED}`, this.where, this.first)
    this.lines.push(line)
    let quoted = false
    for (let i = 0; i < line.length; i++) {
      const c = line.charCodeAt(i)
      if (quoted) {
        if (c === 0x5c /* a backslash: what it escapes is skipped */) i++
        else if (c === 0x22 /* " */) quoted = false
      } else if (c === 0x22) quoted = true
      else if (c === 0x7b /* { */ || c === 0x5b /* [ */) this.depth++
      else if (c === 0x7d /* } */ || c === 0x5d /* ] */) this.depth--
    }
    return this.depth <= 0
  }
  /** The document's text and its first line; the next line may open another. */
  take(): {text: string; line: number} {
    const out = {text: this.lines.join('\n'), line: this.first}
    this.lines = []
    this.length = 0
    this.depth = 0
    return out
  }
}

/**
 * The inputs with a file named twice (its path again, a symlink or a hard link to it: one device
 * and inode; '-' is whatever stdin is) kept once, and a warning naming each one left out: merging
 * adds counts but unions hosts, so a file read twice doubled its inputs and boots while its hosts
 * stayed. A path that cannot be stat'ed is kept: its reader says why. `cache`: the run's, when
 * --html's check stat'ed the inputs already.
 */
export function onceEach(paths: string[], cache?: PathCache): {paths: string[]; warnings: string[]} {
  const first = new Map<string, string>()
  const kept: string[] = []
  const warnings: string[] = []
  for (const p of paths) {
    const st = inputStatOf(p, cache?.statOf)
    const id = st && fileId(st)
    const before = id === undefined ? undefined : first.get(id)
    if (before === undefined) {
      if (id !== undefined) first.set(id, p)
      kept.push(p)
    } else warnings.push(`${inputName(p)} ${p === before ? 'is named twice' : `is the same file as ${inputName(before)}`}: read once`)
  }
  return {paths: kept, warnings}
}

/** `waiting`: what to call when an input has said nothing for a second (cli/progress.ts waitingNotice). */
export async function readFleetInputs(paths: string[], waiting?: (path: string) => (() => void) | undefined, unknown?: UnknownFields): Promise<FleetSummary> {
  let sum = emptySummary()
  for (const p of paths) sum = mergeSummaries(sum, await readFleetInput(p, waiting?.(p), unknown))
  return sum
}
