// Reads an allocscope recording (docs/recording.md; written by `record`, format in
// src/trend/recording.ts): a gzip of concatenated members, one JSON line each — a header, then
// one delta-encoded snapshot per line. `trend` streams the records into its SeriesStore; `diff`
// replays them to rebuild whole snapshots (`snapshotsOf`) and compares two moments.
import {open} from 'node:fs/promises'
import {Readable} from 'node:stream'
import {StringDecoder} from 'node:string_decoder'
import {constants, createGunzip, gunzipSync} from 'node:zlib'
import {InputError, ioReason} from '../errors.js'
import {counterBig, MAX_COUNTER_DIGITS, RECORDING_FORMAT, RECORDING_MARK, RECORDING_VERSION, type RecordingHeader, type SnapshotRecord} from '../trend/recording.js'
import type {AllocAnomaly, AllocInfo, AllocSite, AnomalyCounts} from '../types.js'
import {counterAnomalies, siteKey} from './allocinfo-scan.js'
import {isGzip} from './gzip.js'
import {plural} from '../render/units.js'
import {eachMember, firstMemberText} from './gzip-members.js'

/** What is read of an input to tell whether it is a recording: its header line is in the first member. */
const HEAD_BYTES = 4096

/**
 * A recording opened once (a FIFO or a pipe cannot be opened again): its first bytes, read to tell
 * what it is, then all its bytes, those first ones included, for one reader.
 */
export interface RecordingSource {
  path: string
  /** A regular file (a damaged gzip is then read again, member by member, by path). */
  regular: boolean
  /** Up to HEAD_BYTES from the start (fewer only at the end of the input). */
  head: Buffer
  /** The bytes from the start, head first; once: the file is closed at their end (or when the reader stops). */
  chunks: () => AsyncGenerator<Buffer>
  /** For a source whose chunks are not read. */
  close: () => Promise<void>
}

/** Opens `path` and reads its head; undefined for a directory. Errors are the file system's. */
export async function openRecording(path: string): Promise<RecordingSource | undefined> {
  const fh = await open(path, 'r')
  try {
    const st = await fh.stat()
    if (st.isDirectory()) return void (await fh.close())
    const head = Buffer.alloc(HEAD_BYTES)
    // A pipe gives what its writer has written so far: read until the head is full or the input ends.
    let got = 0
    let ended = false
    while (got < HEAD_BYTES && !ended) {
      const n = (await fh.read(head, got, HEAD_BYTES - got, null)).bytesRead
      got += n
      ended = n === 0
    }
    const ioError = (e: unknown) => new InputError(`${path}: ${ioReason(e)}; expected an allocscope recording`, path)
    const close = () => fh.close().catch(() => undefined)
    async function* chunks(): AsyncGenerator<Buffer> {
      // No `start`: the stream goes on from where the head's reads left the file (a pipe has no offset).
      const rest = ended ? undefined : fh.createReadStream({highWaterMark: 1 << 20, autoClose: false})
      try {
        if (got > 0) yield head.subarray(0, got)
        if (rest) for await (const b of rest) yield b as Buffer
      } catch (e) {
        throw e instanceof InputError ? e : ioError(e)
      } finally {
        rest?.destroy()
        await close()
      }
    }
    return {path, regular: st.isFile(), head: head.subarray(0, got), chunks, close}
  } catch (e) {
    await fh.close().catch(() => undefined)
    throw e
  }
}

/** Whether an input's head is a recording's (gzip whose first line is the recording header, or that line as text). */
export function isRecordingHead(b: Buffer): boolean {
  // The head only: the input may be a large plain snapshot, or a bomb.
  const head = isGzip(b) ? gunzipHead(b) : b.subarray(0, 200)
  return head.toString('utf8', 0, 200).includes(RECORDING_MARK)
}

/** What a head of gzip inflates to; with bytes appended after the last member (zlib fails on them), the first member's. */
function gunzipHead(b: Buffer): Buffer {
  try {
    return gunzipSync(b, {finishFlush: constants.Z_SYNC_FLUSH /* a head cut mid-member is fine */})
  } catch {
    return firstMemberText(b)
  }
}

/**
 * The longest record line read: a snapshot's line is its changes (the first, every site: ~80
 * bytes a site, so 8 MiB is some 100 000 sites, ten times a large real /proc/allocinfo). Past it
 * the input is no recording (a gzip bomb of one endless line would otherwise grow one string to
 * V8's limit): an error, memory bounded. At 32 MiB the pieces of one such line, their inflated
 * buffers and the garbage not yet collected peaked at 217 MiB, past the 200 MiB bound.
 */
export const MAX_RECORD_CHARS = 8 * 2 ** 20

export interface RecordingRead {
  header: RecordingHeader
  /** Whole snapshot records read. */
  snapshots: number
  warnings: string[]
}

/**
 * Streams a recording's records to `onRecord` (with `path:line` for messages). A member or line
 * cut short at the end (a recorder killed mid-write) is a warning; everything before it is whole.
 */
export async function streamRecording(input: string | RecordingSource, onRecord: (rec: SnapshotRecord, where: string) => void): Promise<RecordingRead> {
  const src = typeof input === 'string' ? await openOrThrow(input) : input
  const path = src.path
  const warnings: string[] = []
  let header: RecordingHeader | undefined
  let lineNo = 0
  let snapshots = 0
  // The line being read, in pieces until its newline comes (no string regrown per chunk).
  let rest: string[] = []
  let restChars = 0
  const tooLong = (line: number) => new InputError(`${path}:${line}: a record longer than ${MAX_RECORD_CHARS / 2 ** 20} MiB; expected an allocscope recording, one JSON line per snapshot (docs/recording.md)`, path, line)
  const applyLine = (line: string): void => {
    lineNo++
    // A member read again after the stream failed comes whole: its line may be over the cap without ever waiting in `rest`.
    if (line.length > MAX_RECORD_CHARS) throw tooLong(lineNo)
    if (line.trim() === '') return
    const obj = parseLine(line, path, lineNo)
    if (header === undefined) header = checkHeader(obj, path)
    else {
      onRecord(checkRecord(obj, path, lineNo), `${path}:${lineNo}`)
      snapshots++
    }
  }
  const onText = (text: string): void => {
    const nl = text.indexOf('\n')
    if (nl < 0) {
      rest.push(text)
      restChars += text.length
      if (restChars > MAX_RECORD_CHARS) throw tooLong(lineNo + 1)
      return
    }
    const lines = text.slice(nl + 1).split('\n')
    applyLine(rest.join('') + text.slice(0, nl))
    const last = lines.pop()!
    for (const l of lines) applyLine(l)
    rest = [last]
    restChars = last.length
  }
  // Only damage to the gzip stream is a recording cut short; a bad record or the consumer's error stops the read as itself.
  const {cut} = await eachText(src, onText)
  if (header === undefined) throw new InputError(`${path}: empty or damaged recording (${cut ?? 'no header line'}); expected an allocscope recording (docs/recording.md)`, path)
  if (rest.join('').trim() !== '') warnings.push(`${path}: the last record (line ${lineNo + 1}) is cut short and was ignored (the recorder stopped mid-write)`)
  if (cut !== undefined) warnings.push(`${path}: ${cut}: read the ${plural(snapshots, 'complete snapshot')} before it`)
  return {header, snapshots, warnings}
}

/** A recording by path (diff's inputs, already sniffed as one), opened once. */
async function openOrThrow(path: string): Promise<RecordingSource> {
  const src = await openRecording(path).catch((e: unknown) => {
    throw new InputError(`${path}: ${ioReason(e)}; expected an allocscope recording`, path)
  })
  if (src === undefined) throw new InputError(`${path}: is a directory; expected an allocscope recording`, path)
  return src
}

/**
 * The recording's text, a chunk at a time (UTF-8 decoded across chunk ends: a character split
 * between two stays whole); a plain-text recording (`zcat` of one) as it is. `cut`: why the read
 * stopped before the end (a member damaged or cut short).
 * zlib's stream reads a whole recording fast (one member per record, or one for the whole file as
 * `gzip` makes it, zero padding after), but when a member is damaged it drops every member it had
 * inflated in the same call (a bad CRC in the last member of a 2 100-snapshot recording lost 94
 * more). Then the file is read again member by member (gzip-members.ts) from where the stream's
 * output stopped, up to the damaged member.
 */
async function eachText(src: RecordingSource, onText: (text: string) => void): Promise<{cut?: string}> {
  const decoder = new StringDecoder('utf8')
  const give = (b: Buffer): void => {
    const text = decoder.write(b)
    if (text) onText(text)
  }
  let cut: string | undefined
  if (!isGzip(src.head)) for await (const b of src.chunks()) give(b)
  else await streamed(src, give).catch((e: unknown) => {
    if (!(e instanceof StreamCut)) throw e
    // A pipe cannot be read again: what the stream gave is all there is.
    cut = `the gzip stream is ${src.regular ? afterStreamCut(src.path, e, give) : `damaged (${e.message}; a pipe is not read again, member by member)`}`
  })
  const tail = decoder.end()
  if (tail) onText(tail)
  return cut === undefined ? {} : {cut}
}

/** The members after what the stream gave, checked one by one; what stopped them (or the stream's own reason). */
function afterStreamCut(path: string, e: StreamCut, give: (b: Buffer) => void): string {
  let out = 0
  const skipped = (b: Buffer): void => {
    // Members the stream already gave are skipped: their text was read.
    if (out + b.length > e.given) give(b.subarray(Math.max(0, e.given - out)))
    out += b.length
  }
  // A record is at most MAX_RECORD_CHARS characters: 4 bytes each at most in UTF-8.
  return eachMember(path, 4 * MAX_RECORD_CHARS, skipped) ?? `failed (${e.message})`
}

/** The gzip stream failed after `given` bytes of output. */
class StreamCut extends Error {
  constructor(
    message: string,
    readonly given: number,
  ) {
    super(message)
  }
}

/**
 * The whole input through zlib's stream; throws StreamCut when the stream fails (a read error or a
 * consumer's error passes as itself). The stream gives a member's text before it meets the member's
 * trailer (one cut short there, or a bad CRC, fails only after): its last output is held back until
 * more comes or the stream ends whole, so a regular file's last member is given only once checked
 * (afterStreamCut reads it again). Without this, whether a member cut in its trailer was read
 * depended on whether the consumer had taken its text before the stream's error came.
 */
async function streamed(src: RecordingSource, give: (b: Buffer) => void): Promise<void> {
  const source = Readable.from(src.chunks())
  const gunzip = createGunzip()
  source.on('error', (e) => gunzip.destroy(e))
  const it = source.pipe(gunzip)[Symbol.asyncIterator]()
  let given = 0
  let held: Buffer | undefined
  const release = (): void => {
    if (held === undefined) return
    give(held)
    given += held.length
    held = undefined
  }
  try {
    for (;;) {
      let r: IteratorResult<Buffer>
      try {
        r = await it.next()
      } catch (err) {
        if (err instanceof InputError) throw err
        // A pipe is not read again: what the stream gave is all there is.
        if (!src.regular) release()
        throw new StreamCut((err as Error).message, given)
      }
      release()
      if (r.done) return
      held = r.value
    }
  } finally {
    await it.return?.()
    source.destroy()
  }
}

function parseLine(line: string, path: string, lineNo: number): unknown {
  try {
    return JSON.parse(line)
  } catch {
    throw new InputError(`${path}:${lineNo}: not a JSON record; expected an allocscope recording line (docs/recording.md)`, path, lineNo)
  }
}

function checkHeader(obj: unknown, path: string): RecordingHeader {
  const h = obj as RecordingHeader
  if (h?.format !== RECORDING_FORMAT) throw new InputError(`${path}:1: not an allocscope recording (format '${String(h?.format)}'); expected "${RECORDING_FORMAT}"`, path, 1)
  if (h.version > RECORDING_VERSION) throw new InputError(`${path}:1: recording version ${h.version} is newer than this allocscope reads (${RECORDING_VERSION})`, path, 1)
  return h
}

function checkRecord(obj: unknown, path: string, line: number): SnapshotRecord {
  const r = obj as SnapshotRecord
  if (typeof r?.snap !== 'number' || typeof r.time !== 'string') {
    throw new InputError(`${path}:${line}: expected a snapshot record {"snap": n, "time": ISO 8601, ...}`, path, line)
  }
  const wrong = fieldProblem(r as unknown as Record<string, unknown>)
  if (wrong) throw new InputError(`${path}:${line}: ${wrong}; expected a snapshot record as docs/recording.md describes`, path, line)
  return r
}

const isId = (x: unknown): boolean => Number.isSafeInteger(x) && (x as number) >= 0
const isStr = (x: unknown): boolean => typeof x === 'string'
const isBool = (x: unknown): boolean => typeof x === 'boolean'
/** A counter: an exact JSON integer, or a decimal string (beyond 2^53); never a fraction, exponent or text. */
const COUNTER_RE = new RegExp(`^-?\\d{1,${MAX_COUNTER_DIGITS}}$`)
const isCounter = (x: unknown): boolean => Number.isSafeInteger(x) || (typeof x === 'string' && COUNTER_RE.test(x))
const listOf = (x: unknown, ok: (e: unknown) => boolean): boolean => x === undefined || (Array.isArray(x) && x.every(ok))
const tuple = (e: unknown, ...checks: ((x: unknown) => boolean)[]): boolean => Array.isArray(e) && e.length >= checks.length && checks.every((c, i) => c(e[i]))

/** What is wrong with a record's optional fields, if anything: a consumer (trend, diff) then never meets a wrong type. */
function fieldProblem(o: Record<string, unknown>): string | undefined {
  for (const k of ['uptimeS', 'readMs', 'cpuMs']) if (o[k] !== undefined && !Number.isFinite(o[k])) return `"${k}" is not a number`
  for (const k of ['release', 'allocinfo']) if (o[k] !== undefined && !isStr(o[k])) return `"${k}" is not a string`
  if (o.skipped !== undefined && !isId(o.skipped)) return '"skipped" is not a count'
  if (!listOf(o.new, (e) => tuple(e, isId, isStr, isId, isStr, (m) => m === null || isStr(m), isBool))) return '"new" is not a list of [id, file, line, function, module or null, accurate]'
  if (!listOf(o.set, (e) => tuple(e, isId, isCounter, isCounter))) return '"set" is not a list of [id, bytes, calls] with integer counters'
  if (!listOf(o.gone, isId)) return '"gone" is not a list of site ids'
  if (!listOf(o.acc, (e) => tuple(e, isId, isBool))) return '"acc" is not a list of [id, accurate]'
  return undefined
}

/** One site while replaying: what `new` declared, the counters `set` last gave, whether present. */
interface Replayed {
  site: Omit<AllocSite, 'bytes' | 'calls'>
  bytes: bigint
  calls: bigint
  present: boolean
}

/** A recording's snapshot, rebuilt whole. */
export interface RecordingSnapshot {
  /** 0-based snapshot index. */
  snap: number
  time: string
  uptimeS?: number
  release?: string
  allocinfo: AllocInfo
}

/**
 * Rebuilds the snapshots `picks` (indices; negative counts from the end, -1 the last) of a
 * recording by replaying its deltas, in one pass; the last snapshot is the state at the end, so
 * only a pick before it counted from the end (-2, -3, ...) costs a first pass that only counts.
 * Memory: the sites' current values plus the picked snapshots.
 */
export async function snapshotsOf(path: string, picks: number[]): Promise<{header: RecordingHeader; total: number; snapshots: RecordingSnapshot[]; warnings: string[]}> {
  const total = picks.some((p) => p < -1) ? (await streamRecording(path, () => {})).snapshots : undefined
  // Counted from the end past the first snapshot: no index (total + p would be -1, the last's sentinel).
  const wanted = picks.map((p) => (p < -1 && total !== undefined ? (total + p >= 0 ? total + p : -Infinity) : p))
  const sites: Replayed[] = []
  const got = new Map<number, RecordingSnapshot>()
  // Counted here, not taken from `snap`: the index is the record's place in the file.
  let index = 0
  let last: SnapshotRecord | undefined
  const read = await streamRecording(path, (rec, where) => {
    replay(sites, rec, where, path)
    const i = index++
    last = rec
    if (wanted.includes(i)) got.set(i, materialise(sites, rec, i, `${path}#${i}`))
  })
  const n = read.snapshots
  if (wanted.includes(-1) && last !== undefined) got.set(-1, got.get(n - 1) ?? materialise(sites, last, n - 1, `${path}#${n - 1}`))
  const snapshots = picks.map((p, i) => {
    const s = got.get(wanted[i])
    if (s === undefined) throw new InputError(`${path}: no snapshot ${p}: ${holds(n)}${read.warnings.length > 0 ? ` (${read.warnings.join('; ')})` : ''}`, path)
    return s
  })
  return {header: read.header, total: n, snapshots, warnings: read.warnings}
}

const holds = (n: number): string => (n === 0 ? 'the recording holds no complete snapshot' : `the recording holds ${n} (0 to ${n - 1}, or -1 to -${n} from the end)`)

function replay(sites: Replayed[], rec: SnapshotRecord, where: string, path: string): void {
  for (const [id, file, lineNo, func, module, accurate] of rec.new ?? []) {
    if (id !== sites.length) throw new InputError(`${where}: site id ${id} declared out of order (expected ${sites.length}); the recording is damaged`, path)
    const site = {key: siteKey(file, lineNo, func, module ?? undefined), file, lineNo, func, accurate, count: 1, lines: []}
    sites.push({site: module === null ? site : {...site, module}, bytes: 0n, calls: 0n, present: false})
  }
  for (const id of rec.gone ?? []) if (sites[id]) sites[id].present = false
  for (const [id, accurate] of rec.acc ?? []) if (sites[id]) sites[id].site.accurate = accurate
  for (const [id, b, c] of rec.set ?? []) {
    const s = sites[id]
    if (s === undefined) throw new InputError(`${where}: counters for undeclared site id ${id}; the recording is damaged`, path)
    s.bytes = counterBig(b)
    s.calls = counterBig(c)
    s.present = true
  }
}

/**
 * The present sites as an AllocInfo, flagged as the allocinfo reader flags them. A recording keeps no
 * line of the dump it sampled: its sites name none (`lines` empty) and its anomalies line 0, so no
 * output numbers a site by its id + 1 as if it were a line of a file.
 */
function materialise(sites: Replayed[], rec: SnapshotRecord, snap: number, source: string): RecordingSnapshot {
  const out: AllocSite[] = []
  const anomalies: AllocAnomaly[] = []
  const anomalyCounts: AnomalyCounts = {}
  let totalBytes = 0n
  let totalCalls = 0n
  for (const s of sites) {
    if (!s.present) continue
    // Line 0: a recording keeps no line of the dump it sampled (the report names the snapshot instead).
    const printable = counterAnomalies(s.site.key, s.bytes, s.calls, 0, (a) => {
      anomalyCounts[a.kind] = (anomalyCounts[a.kind] ?? 0) + 1
      anomalies.push(a)
    })
    if (!printable) continue
    out.push({...s.site, bytes: s.bytes, calls: s.calls})
    totalBytes += s.bytes
    totalCalls += s.calls
  }
  const allocinfo: AllocInfo = {
    source, version: rec.allocinfo ?? 'none', sites: out, totalBytes, totalCalls, anomalies, anomalyCounts,
    skipped: [], skippedTotal: rec.skipped ?? 0, skippedByReason: rec.skipped ? {'skipped when recorded': rec.skipped} : {}, lines: out.length,
  }
  return {snap, time: rec.time, ...(rec.uptimeS !== undefined ? {uptimeS: rec.uptimeS} : {}), ...(rec.release !== undefined ? {release: rec.release} : {}), allocinfo}
}
