// /proc/allocinfo reader and printer (domain.md §4). One line per codetag, printed by the kernel's
// alloc_tag_to_text(): "%12lli %8llu " bytes calls, codetag_to_text() "file:line [module] func:name",
// " accurate:no" when alloc_tag_is_inaccurate() (format 2.0), then a trailing space.
// The reader scans a chunk at a time (stdin, a pipe, /proc/allocinfo, gzip and large files are
// streamed; a regular file up to 16 MiB is read whole, then scanned in the same chunks) and stops
// at the first sign the input is not allocinfo: a NUL byte with text after it, or 1 MiB of text with
// no site or header. NUL bytes that run to the end are padding (a file a crash left with zeros, as
// analyse reads one): skipped, counted and named in AllocInfo.notes.
// Kept light on imports: the `allocinfo` command's start-up is benchmarked against `node -e 0`.
import {StringDecoder} from 'node:string_decoder'
import {InputError, ioReason} from '../errors.js'
import {plural} from '../render/units.js'
import type {AllocInfo, AllocSite} from '../types.js'
import {AllocInfoScanner, EXPECTED_LINE, JUNK_LIMIT, type Preamble} from './allocinfo-scan.js'
import {smallRegularFile} from './small-file.js'
import {noticeIfWaiting} from './wait.js'
import {type Damage, decoded, GZIP_CUT, gzipCutError} from './decoded.js'
import {inputName} from './stdin.js'

export type {Preamble} from './allocinfo-scan.js'
export {AllocInfoScanner, EXPECTED_LINE, MAX_ANOMALIES, MAX_SITE_LINES, MAX_SKIPPED, parseSiteLine, scanAllocInfoText, siteKey, WRAP_THRESHOLD} from './allocinfo-scan.js'

/** Reads of a file: few awaits per MiB; the scanner takes any split. */
const READ_CHUNK = 1 << 20
/**
 * A regular file up to this size is read whole, synchronously, then scanned in READ_CHUNK pieces:
 * the same scan without the stream machinery's first run (read and parse of the 20 000-site bench
 * file in a fresh process: 117-119 ms whole against 120-132 ms streamed, 3 runs each; fs/promises,
 * streams and readline load anyway with the ES module loader). /proc/allocinfo (size 0), pipes,
 * FIFOs, devices and larger files are streamed.
 */
const WHOLE_FILE_MAX = 16 << 20

/**
 * NUL padding longer than this is refused: a crash leaves a few blocks of zeros, while an endless
 * device or a gzip bomb of zeros must end at once (bounded time, as every allocinfo read is).
 */
const MAX_PADDING = 64 << 20

/** Binary data, named by its line (the scanner has read the text before the NUL); `why` says what made it binary, with the NUL's byte offset. */
function binary(s: AllocInfoScanner, line: number, why: string): InputError {
  return new NotAllocInfoError(`${s.source}:${line}: binary data (${why}): expected /proc/allocinfo text`, `binary data, ${why}`, s.source, line)
}

/**
 * A file that holds no allocinfo text at all (binary, or no line parses), as opposed to a damaged
 * or cut dump: `why` says it in a few words. trend tells by it a directory that is no series.
 */
export class NotAllocInfoError extends InputError {
  constructor(message: string, readonly why: string, file?: string, line?: number) {
    super(message, file, line)
  }
}

/** The NUL at `offset` ends the text: padding if nothing but NULs follows, and only after allocinfo lines. */
function padStart(s: AllocInfoScanner, offset: number): Padding {
  const line = s.lines + 1
  if (!s.nonBlank) throw binary(s, line, `a NUL byte at byte ${offset}, before any allocinfo line`)
  return {offset, bytes: 0, line}
}

/** More padding: refused when it holds anything but NULs, or grows past MAX_PADDING. */
function padMore(s: AllocInfoScanner, pad: Padding, zeros: boolean, bytes: number): void {
  if (!zeros) throw binary(s, pad.line, `a NUL byte at byte ${pad.offset}, with text after it; NULs are read only as padding at the end of a dump`)
  pad.bytes += bytes
  if (pad.bytes > MAX_PADDING) throw binary(s, pad.line, `more than ${MAX_PADDING >> 20} MiB of NUL bytes from byte ${pad.offset} on; NULs are read only as padding at the end of a dump, up to that`)
}

/** NUL bytes from the first one to the end of the input: padding, when nothing else follows. */
interface Padding {
  /** Byte offset of the first NUL. */
  offset: number
  bytes: number
  /** The line it begins on. */
  line: number
}

const ZEROS = Buffer.alloc(1 << 16)

/** Whether b holds only NUL bytes (characters) from `from` on; a buffer is compared natively, 64 KiB at a time. */
function zerosFrom(b: Buffer | string, from: number): boolean {
  if (typeof b === 'string') {
    for (let i = from; i < b.length; i++) if (b.charCodeAt(i) !== 0) return false
    return true
  }
  for (let i = from; i < b.length; i += ZEROS.length) {
    const n = Math.min(ZEROS.length, b.length - i)
    if (!b.subarray(i, i + n).equals(ZEROS.subarray(0, n))) return false
  }
  return true
}

/** The verdict on a scanned input: InputError when it is empty, human-formatted, or has neither a header nor one site. */
function judge(s: AllocInfoScanner, info: AllocInfo, pad?: Padding): AllocInfo {
  const source = info.source
  if (s.humanFirst !== undefined) {
    const h = s.humanFirst
    throw new InputError(`${source}:${h.line}: the sizes look human-formatted ('${h.size}' and ${s.humanSized - 1} more, as numfmt --to=iec prints them): allocscope needs the raw /proc/allocinfo numbers (give it the file itself, or sort -g it without numfmt)`, source, h.line)
  }
  if (!s.nonBlank) throw new InputError(`${source}: empty: expected /proc/allocinfo text`, source)
  if (info.sites.length === 0 && info.version === 'none') throw notAllocInfo(s, 'no line parses')
  if (pad !== undefined && pad.bytes > 0) {
    ;(info.notes ??= []).push(`${source}:${pad.line}: skipped ${plural(pad.bytes, 'NUL byte')} of padding at the end (from byte ${pad.offset}; a file a crash or a sparse copy left with zeros)`)
  }
  return info
}

function notAllocInfo(s: AllocInfoScanner, why: string): InputError {
  const first = s.firstBad()
  return new NotAllocInfoError(`${s.source}${first ? `:${first.line}` : ''}: not /proc/allocinfo text (${why}); ${EXPECTED_LINE}`, why, s.source, first?.line)
}

/** Parses allocinfo text; InputError when it is empty, binary, or has neither a header nor one site. */
export function parseAllocInfoText(text: string, source = '-'): AllocInfo {
  const s = new AllocInfoScanner(source)
  const nul = text.indexOf('\0')
  if (nul === -1) {
    s.push(text)
    return judge(s, s.end())
  }
  // Offsets are characters here (the text is decoded already).
  s.push(text.slice(0, nul))
  const pad = padStart(s, nul)
  padMore(s, pad, zerosFrom(text, nul), text.length - nul)
  return judge(s, s.end(), pad)
}

function ioMessage(path: string, e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code
  const hint = code === 'EACCES' || code === 'EPERM' ? ' (/proc/allocinfo is mode 0400: read it as root)' : ''
  return `${path}: ${ioReason(e)}${hint}; expected a /proc/allocinfo text file`
}

/** The raw bytes of a path ('-' = stdin), opened once: files, pipes, FIFOs and /dev/fd/N alike. */
async function openBytes(path: string): Promise<AsyncIterable<Buffer>> {
  if (path === '-') return process.stdin
  try {
    const {open} = await import('node:fs/promises')
    const fh = await open(path, 'r')
    if ((await fh.stat()).isDirectory()) {
      await fh.close()
      throw new InputError(`${path}: is a directory; expected a /proc/allocinfo text file`, path)
    }
    return fh.createReadStream({highWaterMark: READ_CHUNK})
  } catch (e) {
    if (e instanceof InputError) throw e
    throw new InputError(ioMessage(path, e), path)
  }
}

/** The raw bytes of a path, the file closed when the reader stops early. */
async function* rawChunks(path: string, onWaiting?: () => void): AsyncGenerator<Buffer> {
  let it: AsyncIterator<Buffer> | undefined
  try {
    // Opening a FIFO waits for its writer, the first read for data: a notice after a second (readers/wait.ts).
    const opened = async (): Promise<IteratorResult<Buffer>> => {
      it = (await openBytes(path))[Symbol.asyncIterator]()
      try {
        return await it.next()
      } catch (e) {
        throw new InputError(ioMessage(path, e), path)
      }
    }
    for (let r = await noticeIfWaiting(opened(), onWaiting); !r.done; r = await it!.next()) yield r.value
  } finally {
    // Closes the file when the reader stops early (a no-op after the end; stdin is left open).
    if (path !== '-') await it?.return?.()
  }
}


/**
 * What the reader noticed in a dump, as warnings: why it ended early (AllocInfo.truncated), then
 * its notes (earlier snapshots of an appended file dropped, NUL padding, an unknown version, no
 * site). One home for the wording allocinfo, diff and record print; `tag` prefixes each (diff's side).
 */
export function readerWarnings(info: AllocInfo, tag = ''): string[] {
  return [...(info.truncated === undefined ? [] : [`${tag}${info.source}: ${info.truncated}`]), ...(info.notes ?? []).map((n) => tag + n)]
}

/**
 * The allocinfo and analyse commands' rule for a gzip that ends early, as for a boot log (README):
 * an input error unless --accept-truncated was given (then the result is marked).
 */
export function refuseCutGzip(info: AllocInfo, accept: boolean): void {
  if (info.truncated !== GZIP_CUT || accept) return
  throw gzipCutError(info.source, 'expected a whole gzip-compressed /proc/allocinfo dump (--accept-truncated reads what it holds, marked truncated)')
}

/** What a dump is, in the decoder's errors (readers/decoded.ts). */
const DUMP = '/proc/allocinfo text'

/**
 * Reads a file ('-' = stdin; gzip by .gz extension or magic bytes) and parses it, a chunk at a
 * time: memory is bounded by the distinct sites, whatever the input (a device, a gzip bomb, GBs).
 */
export function readAllocInfo(path: string, source = inputName(path), opts: ReadOptions = {}): Promise<AllocInfo> {
  const whole = opts.raw ? undefined : opts.whole?.length ? opts.whole : smallFile(path)
  const raw = opts.raw ?? (whole === undefined ? rawChunks(path, opts.onWaiting) : pieces(whole))
  const damage: Damage = {}
  return scan(decoded(raw, source, DUMP, damage), source, opts, damage)
}

interface ReadOptions {
  onWaiting?: () => void
  preamble?: Preamble
  /** The dump's first line: the lines before it are another document's (AllocInfoScanner fromLine). */
  fromLine?: number
  /** The file's bytes, when the caller has read it whole already (batch reads each input once); empty: read by path (the streamed reader judges it). */
  whole?: Buffer
  /** The input's bytes from its start, when the caller has opened it already (trend's pipe, read to tell whether it is a recording). */
  raw?: AsyncIterable<Buffer>
}

/** The bytes of a regular file of 1 to WHOLE_FILE_MAX bytes; undefined for anything else (streamed). */
function smallFile(path: string): Buffer | undefined {
  try {
    const b = smallRegularFile(path, WHOLE_FILE_MAX)
    // Empty (or /proc/allocinfo, whose size is 0): the streamed reader reads it and judges it.
    return b !== undefined && b.length > 0 ? b : undefined
  } catch (e) {
    throw new InputError(ioMessage(path, e), path)
  }
}

async function* pieces(b: Buffer): AsyncGenerator<Buffer> {
  for (let at = 0; at < b.length; at += READ_CHUNK) yield b.subarray(at, at + READ_CHUNK)
}

/**
 * The first line of a file (gzip inflated as a stream; no CR), at most `max` characters: nothing
 * past it is read, so a bomb or a device costs one chunk. InputError when it cannot be read.
 */
export async function readFirstLine(path: string, max = 4096): Promise<string> {
  const chunks = decoded(rawChunks(path), path, DUMP)
  const decoder = new StringDecoder('utf8')
  let text = ''
  try {
    for await (const b of chunks) {
      text += decoder.write(b.subarray(0, max))
      if (text.includes('\n') || text.length >= max) break
    }
  } catch (e) {
    if (e instanceof InputError) throw e
    throw new InputError(ioMessage(path, e), path)
  } finally {
    await chunks.return(undefined)
  }
  return text.split('\n', 1)[0]!.slice(0, max).replace(/\r$/, '')
}

/** The same from bytes read elsewhere (a member of an archive, gzip by `source`'s .gz or the magic bytes). */
export function readAllocInfoBytes(raw: AsyncIterable<Buffer>, source: string): Promise<AllocInfo> {
  const damage: Damage = {}
  return scan(decoded(raw, source, DUMP, damage), source, {}, damage)
}

async function scan(chunks: AsyncGenerator<Buffer>, source: string, opts: Pick<ReadOptions, 'preamble' | 'fromLine'>, damage: Damage = {}): Promise<AllocInfo> {
  const s = new AllocInfoScanner(source, opts.preamble, opts.fromLine)
  const decoder = new StringDecoder('utf8')
  let pad: Padding | undefined
  let offset = 0
  try {
    for await (const b of chunks) {
      const at = offset
      offset += b.length
      if (pad !== undefined || b.indexOf(0) !== -1) {
        pad = padding(s, decoder, b, at, pad)
        continue
      }
      s.push(decoder.write(s.inCutLine() ? afterNewline(b) : b))
      if (s.junk() >= JUNK_LIMIT) throw notAllocInfo(s, 'no site or header line in the first MiB')
    }
  } catch (e) {
    if (e instanceof InputError) throw e
    throw new InputError(ioMessage(source, e), source)
  } finally {
    await chunks.return(undefined)
  }
  s.push(decoder.end())
  // Cut before any line: not an empty dump, a truncated one with nothing to read.
  if (damage.what !== undefined && !s.nonBlank) throw new InputError(`${source}: the gzip stream ends early (truncated) before its first line; expected a whole gzip-compressed /proc/allocinfo dump`, source)
  const info = judge(s, s.end(), pad)
  if (damage.what !== undefined) info.truncated = damage.what
  return info
}

/** A chunk with a NUL in it, or after one: the text before the first NUL is read; from it on, only NULs may follow. */
function padding(s: AllocInfoScanner, decoder: StringDecoder, b: Buffer, at: number, pad: Padding | undefined): Padding {
  let from = 0
  if (pad === undefined) {
    from = b.indexOf(0)
    const text = b.subarray(0, from)
    s.push(decoder.write(s.inCutLine() ? afterNewline(text) : text))
    pad = padStart(s, at + from)
  }
  padMore(s, pad, zerosFrom(b, from), b.length - from)
  return pad
}

/**
 * The bytes of a chunk from its first newline on (none when it has none): the rest of a cut line
 * is never decoded. Bytes the decoder still holds from a split character become U+FFFD in the cut
 * line, which is dropped anyway.
 */
function afterNewline(b: Buffer): Buffer {
  const nl = b.indexOf(10)
  return nl === -1 ? b.subarray(b.length) : b.subarray(nl)
}

export type AllocInfoVersion = '1.0' | '2.0' | 'none'

const pad = (s: string, w: number) => (s.length >= w ? s : ' '.repeat(w - s.length) + s)

/** One site in the kernel's layout. Version 1.0 had no accurate:no nor extra tokens. */
export function formatAllocSite(s: AllocSite, version: AllocInfoVersion = '2.0'): string {
  let out = `${pad(String(s.bytes), 12)} ${pad(String(s.calls), 8)} ${s.file}:${s.lineNo}`
  if (s.module !== undefined) out += ` [${s.module}]`
  out += ` func:${s.func}`
  if (version !== '1.0') {
    if (!s.accurate) out += ' accurate:no'
    if (s.extra) for (const [k, v] of Object.entries(s.extra)) out += ` ${k}:${v}`
  }
  return out + ' \n'
}

/** Prints sites as /proc/allocinfo would (header per version; default: the version read, else 2.0). */
export function formatAllocInfo(info: Pick<AllocInfo, 'version' | 'sites'>, version?: AllocInfoVersion): string {
  const v: AllocInfoVersion =
    version ?? (info.version === '1.0' || info.version === 'none' || info.version === '2.0' ? info.version : '2.0')
  const parts: string[] = []
  if (v !== 'none') parts.push(`allocinfo - version: ${v}\n`, '#     <size>  <calls> <tag info>\n')
  for (const s of info.sites) parts.push(formatAllocSite(s, v))
  return parts.join('')
}
