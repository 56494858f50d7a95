// Bytes of a boot log: a file or stdin ('-'), gunzipped when it starts with the gzip magic 1f 8b
// (whatever its name: a plain log named .gz is read as text), UTF-16 with a byte order mark
// converted to UTF-8 (after gunzip too: gzip.ts asUtf8), refused with what to do when its first bytes say another compression
// (gzip.ts headEncoding). Open errors become
// InputErrors that name the file.
import {constants, openSync, read} from 'node:fs'
import {open, stat, type FileHandle} from 'node:fs/promises'
import {Readable} from 'node:stream'
import {promisify} from 'node:util'
import {createGunzip} from 'node:zlib'
import {InputError, ioReason} from '../../errors.js'
import {noticeIfWaiting} from '../wait.js'
import {asUtf8, headEncoding} from '../gzip.js'
import {inputName} from '../stdin.js'

export interface ByteSource {
  /** Decompressed bytes, in chunks. */
  chunks: AsyncIterable<Buffer>
  /** Size on disk, when known (not for stdin). */
  totalBytes?: number
  /** Bytes read from the file or stdin so far (compressed bytes for .gz). */
  bytesRead(): number
  gzip: boolean
  /** With acceptTruncated: what ended the compressed stream early (set once it has). */
  truncated(): string | undefined
}

export interface SourceOptions {
  onProgress?: (bytesRead: number, totalBytes?: number) => void
  /** A gzip stream that ends early is read up to the damage and marked, instead of refused. */
  acceptTruncated?: boolean
  /** Called once when nothing has come for WAIT_NOTICE_MS (readers/wait.ts: a FIFO with no writer, a quiet stdin). */
  onWaiting?: () => void
  /**
   * Only the bytes [start, end) of a regular file (a piece read by a worker: src/analysis/split.ts),
   * read from `fd`, the file already open (the path may name another file by now), left open.
   */
  range?: {start: number; end: number; fd?: number}
}

const CHUNK = 256 * 1024
/** File reads: fewer reads and awaits per MiB (the line splitter decodes them in 64 KiB pieces). */
const FILE_CHUNK = 1 << 20
/**
 * Reads of a piece after the first (the first is read as the whole file is: its leading padding is
 * counted by whole reads): the split reader's peak RSS on a 1 GiB log was 222 MiB with 1 MiB and
 * 512 KiB reads, 180 MiB with 256 and 128 KiB ones (malloc keeps freed 1 MiB buffers of the
 * worker thread; bench/NOTES.md), at the same CPU time.
 */
const PIECE_CHUNK = 256 << 10

export function describeOpenError(path: string, e: unknown): InputError {
  return new InputError(`${path}: ${ioReason(e)}: expected a kernel log file`, path)
}

/** A file opened to be read (its descriptor), or an InputError that names it and says why not. */
export function openFileSync(path: string): number {
  try {
    return openSync(path, 'r')
  } catch (e) {
    throw describeOpenError(path, e)
  }
}

const readAt = promisify(read)

/**
 * Bytes [start, end) of an open file, read at their offsets; the descriptor is left open. (Not a
 * read stream on the descriptor: destroying one early, as a reader that stops does, closes it
 * whatever autoClose says, under the other readers of the same file.)
 */
async function* readRange(fd: number, start: number, end: number, chunk: number): AsyncGenerator<Buffer> {
  for (let pos = start; pos < end; ) {
    const buf = Buffer.allocUnsafe(Math.min(chunk, end - pos))
    const {bytesRead} = await readAt(fd, buf, 0, buf.length, pos)
    if (bytesRead === 0) return
    pos += bytesRead
    yield bytesRead < buf.length ? buf.subarray(0, bytesRead) : buf
  }
}

/** The file (or stdin) as raw reads; opening a FIFO waits here for its writer. */
async function openRaw(path: string, range?: SourceOptions['range']): Promise<{raw: AsyncIterable<Buffer>; totalBytes?: number}> {
  if (path === '-') return {raw: process.stdin}
  if (range?.fd !== undefined) return {raw: readRange(range.fd, range.start, range.end, range.start > 0 ? PIECE_CHUNK : FILE_CHUNK)}
  let fh
  let device = false
  try {
    // /dev/kmsg itself: read without blocking, so that the end of the buffer ends the log.
    device = (await stat(path)).isCharacterDevice()
    fh = await open(path, device ? constants.O_RDONLY | constants.O_NONBLOCK : 'r')
  } catch (e) {
    throw describeOpenError(path, e)
  }
  const st = await fh.stat()
  if (st.isDirectory()) {
    await fh.close()
    throw new InputError(`${path}: is a directory: expected a kernel log file (dmesg.txt, console.log, ...)`, path)
  }
  // (createReadStream's `end` is inclusive.)
  const part = range ? {start: range.start, end: range.end - 1} : {}
  return {raw: device ? readDevice(fh) : fh.createReadStream({highWaterMark: range && range.start > 0 ? PIECE_CHUNK : FILE_CHUNK, ...part}), totalBytes: st.isFile() ? st.size : undefined}
}

export async function openByteSource(path: string, opts: SourceOptions = {}): Promise<ByteSource> {
  // Opening a FIFO waits for its writer, and its first read (in byteSourceFrom) for data: both are covered.
  const open = async (): Promise<ByteSource> => {
    const {raw, totalBytes} = await openRaw(path, opts.range)
    return byteSourceFrom(inputName(path), raw, {totalBytes, onProgress: opts.onProgress, closeOnStop: path !== '-', acceptTruncated: opts.acceptTruncated})
  }
  return noticeIfWaiting(open(), opts.onWaiting)
}

/**
 * The same on bytes that are already flowing (a member of a tar archive, read by `batch`): `name`
 * names the input in errors; gzip is told by the magic bytes, as for a path.
 */
export async function byteSourceFrom(
  path: string,
  raw: AsyncIterable<Buffer>,
  opts: {totalBytes?: number; onProgress?: (bytesRead: number, totalBytes?: number) => void; closeOnStop?: boolean; acceptTruncated?: boolean} = {},
): Promise<ByteSource> {
  const {totalBytes, onProgress} = opts
  let read = 0
  const it = raw[Symbol.asyncIterator]()
  let first: IteratorResult<Buffer>
  try {
    first = await it.next()
  } catch (e) {
    throw describeOpenError(path, e)
  }
  async function* counted(): AsyncGenerator<Buffer> {
    try {
      let r = first
      while (!r.done) {
        const b = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value as Uint8Array)
        read += b.length
        onProgress?.(read, totalBytes)
        yield b
        r = await it.next()
      }
    } finally {
      // Closes the file when the reader stops early (a no-op after the end).
      if (opts.closeOnStop ?? true) await it.return?.()
    }
  }
  const enc = first.done ? 'text' : headEncoding(first.value as Buffer)
  if (typeof enc === 'object') {
    if (opts.closeOnStop ?? true) await it.return?.()
    throw new InputError(`${path}: ${enc.foreign}: expected a kernel log`, path)
  }
  const gzip = enc === 'gzip'
  let chunks: AsyncIterable<Buffer> = counted()
  const damage: {what?: string} = {}
  if (gzip) {
    // Z_FINISH (the default): a stream cut short (head -c, a capture killed mid-write) ends in
    // "unexpected end of file" after the data it holds, so it is never taken for a whole log.
    const gunzip = createGunzip()
    const src = Readable.from(counted())
    src.on('error', (e) => gunzip.destroy(e))
    src.pipe(gunzip)
    chunks = gunzipped(gunzip, src, path, opts.acceptTruncated ? damage : undefined)
  }
  return {chunks: asUtf8(chunks), totalBytes, bytesRead: () => read, gzip, truncated: () => damage.what}
}

/** Decompressed reads; damage is an InputError, or (when `accept` is given) recorded there and the end. */
async function* gunzipped(gunzip: AsyncIterable<Buffer>, src: Readable, path: string, accept?: {what?: string}): AsyncGenerator<Buffer> {
  try {
    for await (const b of gunzip) yield b
  } catch (e) {
    if (e instanceof InputError) throw e
    const code = (e as NodeJS.ErrnoException).code
    const what = code === 'Z_BUF_ERROR' ? 'the gzip stream ends early (truncated)' : `gzip data is corrupt (${(e as Error).message})`
    if (accept) {
      accept.what = what
      return
    }
    throw new InputError(`${path}: ${what}: expected a whole gzip-compressed kernel log (--accept-truncated reads what it holds, marked truncated)`, path)
  } finally {
    src.destroy()
  }
}

/**
 * A character device such as /dev/kmsg: devkmsg_read() returns one record per read(), EAGAIN
 * (non-blocking) once the reader is at the end, and EPIPE when records were overwritten before
 * they were read (the next read goes on from the oldest record still there).
 */
async function* readDevice(fh: FileHandle): AsyncGenerator<Buffer> {
  const buf = Buffer.allocUnsafe(CHUNK)
  try {
    for (;;) {
      let n: number
      try {
        n = (await fh.read(buf, 0, CHUNK, null)).bytesRead
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code
        if (code === 'EAGAIN') return
        if (code === 'EPIPE') continue
        throw e
      }
      if (n === 0) return
      yield Buffer.from(buf.subarray(0, n))
    }
  } finally {
    await fh.close()
  }
}
