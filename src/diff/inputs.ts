// What each argument of `allocscope diff` is: a capture directory, an allocinfo dump, a boot log,
// or an allocscope JSON document (e.g. `predict --json`). Decided from the content, not the name.
import {closeSync, existsSync, mkdtempSync, openSync, readSync, rmSync, writeSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gunzipSync} from 'node:zlib'
import {type CaptureFiles, captureStat, resolveCapture, SERIES_RECORDING} from '../readers/dir.js'
import {InputError} from '../errors.js'
import {RECORDING_MARK} from '../trend/recording.js'
import {headEncoding, textOf} from '../readers/gzip.js'
import {stripBom} from '../readers/lines.js'
import {ALLOCINFO_HEADER, isAllocinfoShape} from '../readers/allocinfo-shape.js'

export type InputKind = 'capture-dir' | 'allocinfo' | 'bootlog' | 'allocscope-json' | 'recording'

export interface DiffInput {
  path: string
  kind: InputKind
  /** Set for capture directories (and for files: the file as its own capture; a boot log with a dump pasted after it is both its boot log and its dump). */
  capture: CaptureFiles
  /** For allocscope-json: the `command` of the envelope. */
  command?: string
  /**
   * A pipe, FIFO or /dev/fd/N (`diff <(cat a) <(cat b)`) can be read only once, and a procfs file
   * (size 0 to stat) is generated on each read: its bytes were copied here, and `capture` points at
   * this copy (messages still name `path`).
   */
  spooled?: string
  /** A boot log with a dump pasted after it: the line of the dump's header (the lines before it are the log's). */
  dumpLine?: number
}

let spoolDir: string | undefined
let spooledCount = 0

/**
 * Copies a pipe or other non-regular file to a temporary file, a chunk at a time (bounded memory,
 * whatever its size): the kind is sniffed from the head and the reader then reads it again.
 * Removed when the process exits. The copy's path and size.
 */
function spool(path: string): {copy: string; size: number} {
  if (spoolDir === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'allocscope-diff-'))
    spoolDir = dir
    process.once('exit', () => rmSync(dir, {recursive: true, force: true}))
  }
  const out = join(spoolDir, `input-${++spooledCount}`)
  const buf = Buffer.allocUnsafe(1 << 20)
  // `-` is stdin, read from its descriptor (a socket, as some callers give, cannot be opened as /dev/stdin).
  const src = path === '-' ? 0 : openSync(path, 'r')
  const dst = openSync(out, 'w')
  let size = 0
  try {
    for (let n = readSync(src, buf); n > 0; n = readSync(src, buf)) size += writeSync(dst, buf, 0, n)
  } finally {
    if (src !== 0) closeSync(src)
    closeSync(dst)
  }
  return {copy: out, size}
}

/** Bytes sniffed for an input's kind (and, by batch, its host name). */
export const HEAD_BYTES = 16 * 1024

/**
 * An input's first bytes as the text its kind is sniffed from, decoded as the readers decode them
 * (gzip.ts headEncoding, one order for every reader): a gzip stream inflated as far as it goes, UTF-16
 * with a byte order mark converted (inflated or not), NUL bytes dropped (a log's or a dump's padding, a serial
 * console's leading NULs: which of them a reader takes is the reader's word). Compressed or packed
 * input no reader reads is `{foreign}`: what to do with it, as the readers say it.
 */
export function sniffBytes(b: Buffer): {text: string} | {foreign: string} {
  const enc = headEncoding(b)
  if (typeof enc === 'object') return enc
  let bytes = b
  if (enc === 'gzip') {
    try {
      // A partial gzip stream: inflate what we have, enough to sniff.
      bytes = gunzipSync(b, {finishFlush: 2}).subarray(0, HEAD_BYTES)
    } catch {
      return {text: ''}
    }
  }
  // UTF-16 by its byte order mark, inflated or not (as the readers: gzip.ts asUtf8).
  const text = textOf(bytes)
  return {text: text.replaceAll('\0', '')}
}

function head(path: string): string {
  const fd = openSync(path, 'r')
  try {
    const buf = Buffer.alloc(HEAD_BYTES)
    const got = readSync(fd, buf, 0, HEAD_BYTES, 0)
    const h = sniffBytes(buf.subarray(0, got))
    if ('foreign' in h) throw new InputError(`${path}: ${h.foreign}: expected a boot log, an allocinfo dump or a capture directory`, path)
    return h.text
  } finally {
    closeSync(fd)
  }
}

/** The dump's header on any line: after a boot log, a dump appended to it. */
const APPENDED_HEADER = new RegExp(ALLOCINFO_HEADER.source, 'm')

/** The 1-based line number of the character at `index`. */
function lineAt(text: string, index: number): number {
  let n = 1
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) n++
  return n
}

/** Sniffs text: an allocscope recording, an allocscope JSON envelope, allocinfo, or (anything else) a boot log. */
export function sniffText(head: string): {kind: Exclude<InputKind, 'capture-dir'>; command?: string} {
  const text = stripBom(head)
  const t = text.trimStart()
  if (t.startsWith('{')) {
    if (t.slice(0, 200).includes(RECORDING_MARK)) return {kind: 'recording'}
    const m = /"schema"\s*:\s*"allocscope\/v\d+"[\s\S]*?"command"\s*:\s*"([^"]*)"/.exec(t)
    if (m) return {kind: 'allocscope-json', command: m[1]}
  }
  return isAllocinfoShape(text) ? {kind: 'allocinfo'} : {kind: 'bootlog'}
}

/**
 * A boot log with a dump pasted after it (a mailing-list report): the line of the dump's header in
 * the head sniffText read, undefined when none. Only diff reads both (batch reads the log alone), so
 * only diff looks (over the 16 KiB head).
 */
function appendedDumpLine(head: string): number | undefined {
  const text = stripBom(head)
  const m = APPENDED_HEADER.exec(text)
  return m ? lineAt(text, m.index) : undefined
}

const KIND_TEXT: Record<InputKind, string> = {
  'capture-dir': 'a capture directory',
  allocinfo: 'an allocinfo dump',
  bootlog: 'a boot log',
  'allocscope-json': 'an allocscope JSON document',
  recording: 'an allocscope recording (record)',
}

export function describeKind(x: DiffInput): string {
  return KIND_TEXT[x.kind]
}

/**
 * describeKind where nothing can be compared: a file is a boot log here by elimination (no
 * allocinfo), so one the boot-log reader would not recognise is said to be neither (`analyse`
 * calls it "not a kernel log"), `unread`. The reader is loaded only for this message (diff's start-up).
 */
export async function describeSide(x: DiffInput): Promise<{what: string; unread: boolean}> {
  const file = x.capture.bootLog
  if (x.kind === 'capture-dir') return {what: `${describeKind(x)}${recordingNotRead(x)}`, unread: false}
  if (x.kind !== 'bootlog' || file === undefined) return {what: describeKind(x), unread: false}
  const {detectFormat, SNIFF_LINES} = await import('../readers/bootlog/detect.js')
  const d = detectFormat(head(file).split('\n', SNIFF_LINES))
  if (d.recognised) return {what: describeKind(x), unread: false}
  return {what: `${d.binary ? 'binary data, ' : ''}neither an allocinfo dump nor a kernel log (no line looks like a kernel record)`, unread: true}
}

/**
 * A capture directory without a dump whose trend series' recording (recording.arec.gz) is there: it
 * is not read as the directory's dump (a recording holds many snapshots), so say so and how to
 * give it (diff reads a recording file: a snapshot of it, by default the last; --from-snap/--to-snap pick another).
 */
export function recordingNotRead(x: DiffInput): string {
  if (x.kind !== 'capture-dir' || x.capture.allocinfo !== undefined) return ''
  const rec = join(x.path, SERIES_RECORDING)
  return existsSync(rec) ? ` (its ${SERIES_RECORDING}, a recording, is not read as its dump: give ${rec} itself to compare a snapshot of it)` : ''
}

export function classifyInput(path: string): DiffInput {
  // One stat: whether a directory (a capture), a regular file, and its size.
  const st = path === '-' ? undefined : captureStat(path)
  if (st?.isDirectory()) return {path, kind: 'capture-dir', capture: resolveCapture(path, st)}
  let text: string
  let spooled: string | undefined
  try {
    // Read once: a pipe has no size and cannot be opened twice, so its bytes go to a file first.
    // `-` (stdin) is copied as a pipe is, whatever it is, and so is a regular file whose size says 0:
    // procfs (/proc/allocinfo) has content all the same, generated anew on each read (it was
    // refused as an empty file), so the copy is the one snapshot both the sniff and the reader see.
    let size = st?.size ?? 0
    if (st === undefined || !st.isFile() || size === 0) ({copy: spooled, size} = spool(path))
    const file = spooled ?? path
    if (size === 0) throw new InputError(`${path}: empty file; expected a boot log, an allocinfo dump or a capture directory`, path)
    text = head(file)
  } catch (e) {
    if (e instanceof InputError) throw e
    throw new InputError(`${path}: ${(e as Error).message}`, path)
  }
  const s = sniffText(text)
  const file = spooled ?? path
  const more = {...(s.command !== undefined ? {command: s.command} : {}), ...(spooled !== undefined ? {spooled} : {})}
  if (s.kind === 'recording') return {path, kind: 'recording', capture: {path, isDir: false}, ...more}
  if (s.kind === 'allocinfo') return {path, kind: 'allocinfo', capture: {path, isDir: false, allocinfo: file}, ...more}
  const dumpLine = s.kind === 'bootlog' ? appendedDumpLine(text) : undefined
  const dump = dumpLine !== undefined ? {dumpLine} : {}
  return {path, kind: s.kind, capture: {path, isDir: false, bootLog: file, ...(dumpLine !== undefined ? {allocinfo: file} : {})}, ...more, ...dump}
}

/**
 * How to read the dump of a boot log with a dump pasted after it: from the dump's header on, the
 * log's lines before it counted but not read (they are the log, not lines the allocinfo reader
 * skipped: a site missing from the dump). Any other dump as it is.
 */
export function dumpFrom(x: DiffInput, path: string): {fromLine?: number} {
  return x.dumpLine !== undefined && path === x.capture.allocinfo ? {fromLine: x.dumpLine} : {}
}
