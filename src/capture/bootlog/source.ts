// Bytes of a boot log: a file or stdin ('-'), gunzipped when it ends in .gz or starts with the
// gzip magic 1f 8b. Open errors become InputErrors that name the file.
import {constants} from 'node:fs'
import {open, stat, type FileHandle} from 'node:fs/promises'
import {Readable} from 'node:stream'
import {constants as zlib, createGunzip} from 'node:zlib'
import {InputError} from '../../errors.js'

export interface ByteSource {
  /** Decompressed bytes, in chunks. */
  chunks: AsyncIterable<Buffer>
  /** Size on disk, when known (not for stdin). */
  totalBytes?: number
  /** Bytes read from the file or stdin so far (compressed bytes for .gz). */
  bytesRead(): number
  gzip: boolean
}

const CHUNK = 256 * 1024
/** File reads: fewer reads and awaits per MiB (the line splitter decodes them in 64 KiB pieces). */
const FILE_CHUNK = 1 << 20

export function describeOpenError(path: string, e: unknown): InputError {
  const code = (e as NodeJS.ErrnoException).code
  const what =
    code === 'ENOENT' ? 'no such file' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (e as Error).message
  return new InputError(`${path}: ${what}: expected a kernel log file`, path)
}

export async function openByteSource(path: string, onProgress?: (bytesRead: number, totalBytes?: number) => void): Promise<ByteSource> {
  let raw: AsyncIterable<Buffer>
  let totalBytes: number | undefined
  if (path === '-') {
    raw = process.stdin
  } else {
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
    totalBytes = st.isFile() ? st.size : undefined
    raw = device ? readDevice(fh) : fh.createReadStream({highWaterMark: FILE_CHUNK})
  }
  return byteSourceFrom(path, raw, {totalBytes, onProgress, closeOnStop: path !== '-'})
}

/**
 * The same on bytes that are already flowing (a member of a tar archive, read by `batch`): `name`
 * names the input in errors and decides gzip by its `.gz` ending, as a path does.
 */
export async function byteSourceFrom(
  path: string,
  raw: AsyncIterable<Buffer>,
  opts: {totalBytes?: number; onProgress?: (bytesRead: number, totalBytes?: number) => void; closeOnStop?: boolean} = {},
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
  const head = first.done ? undefined : (first.value as Buffer)
  const gzip = (head !== undefined && head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) || (path.endsWith('.gz') && head !== undefined)
  let chunks: AsyncIterable<Buffer> = counted()
  if (gzip) {
    // Z_SYNC_FLUSH: a gzip cut short (a capture killed mid-write) yields what it holds instead of an error.
    const gunzip = createGunzip({finishFlush: zlib.Z_SYNC_FLUSH})
    const src = Readable.from(counted())
    src.on('error', (e) => gunzip.destroy(e))
    src.pipe(gunzip)
    chunks = gunzipped(gunzip, src, path)
  }
  return {chunks, totalBytes, bytesRead: () => read, gzip}
}

async function* gunzipped(gunzip: AsyncIterable<Buffer>, src: Readable, path: string): AsyncGenerator<Buffer> {
  try {
    for await (const b of gunzip) yield b
  } catch (e) {
    if (e instanceof InputError) throw e
    throw new InputError(`${path}: gzip data is corrupt (${(e as Error).message}): expected a gzip-compressed kernel log`, path)
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
