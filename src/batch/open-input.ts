// One open of a batch input file for everything asked of it before the analysis: the head that
// tells its kind and host name, its mtime, and its bytes. A small regular file is read whole (the
// readers take those bytes: nothing is read twice); a pipe, socket or character device (a FIFO,
// `batch <(ssh host dmesg)`) cannot be opened or read at an offset again, so its head and then the
// rest come from this one descriptor; a big file is left to the streamed readers, by path.
import {closeSync, fstatSync, read, readFileSync, readSync} from 'node:fs'
import {promisify} from 'node:util'
import {describeOpenError, openFileSync} from '../readers/bootlog/source.js'
import {isSmallRegular} from '../readers/small-file.js'
import {HEAD_BYTES, headText} from './sniff.js'

export interface Opened {
  head: string
  mtime: string
  /** A small regular file (isSmallRegular): all of it. */
  bytes?: Buffer
  /** A pipe or a device: its bytes from the first on (the head's included), to be read once. */
  piped?: AsyncIterable<Buffer>
  /** Closes a piped input's descriptor (again: nothing); nothing to do for the others. */
  close(): void
}

const readAsync = promisify(read)
const PIPE_CHUNK = 64 * 1024
const nothing = (): void => {}

/** Opens `path` (an InputError naming it when it cannot be opened or read); small: at most `max` bytes. */
export function openInput(path: string, max: number): Opened {
  const fd = openFileSync(path)
  let kept = false
  try {
    const st = fstatSync(fd)
    const mtime = st.mtime.toISOString()
    if (isSmallRegular(st, max)) {
      const bytes = readFileSync(fd)
      return {head: headText(bytes.subarray(0, HEAD_BYTES)), mtime, bytes, close: nothing}
    }
    if (st.isFile() || st.isDirectory() || st.isBlockDevice()) return {head: headText(readAt0(fd)), mtime, close: nothing}
    const first = readInOrder(fd)
    kept = true
    let open = true
    const close = (): void => {
      if (open) closeSync(fd)
      open = false
    }
    return {head: headText(first), mtime, piped: rest(fd, first, close), close}
  } catch (e) {
    throw describeOpenError(path, e)
  } finally {
    if (!kept) closeSync(fd)
  }
}

/** The first HEAD_BYTES of a file that can be read at an offset. */
function readAt0(fd: number): Buffer {
  const buf = Buffer.alloc(HEAD_BYTES)
  return buf.subarray(0, readSync(fd, buf, 0, HEAD_BYTES, 0))
}

/** Up to HEAD_BYTES read in order (a pipe gives what its writer has written so far: read on until full or its end). */
function readInOrder(fd: number): Buffer {
  const buf = Buffer.alloc(HEAD_BYTES)
  let got = 0
  for (let n = -1; got < HEAD_BYTES && n !== 0; got += n) n = readSync(fd, buf, got, HEAD_BYTES - got, null)
  return buf.subarray(0, got)
}

/** The head already read, then the rest of the descriptor; closed at its end or when the reader stops. */
async function* rest(fd: number, first: Buffer, close: () => void): AsyncGenerator<Buffer> {
  try {
    if (first.length > 0) yield first
    for (;;) {
      const {bytesRead, buffer} = await readAsync(fd, Buffer.allocUnsafe(PIPE_CHUNK), 0, PIPE_CHUNK, null)
      if (bytesRead === 0) return
      yield buffer.subarray(0, bytesRead)
    }
  } finally {
    close()
  }
}
