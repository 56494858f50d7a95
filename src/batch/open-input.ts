// One open of a batch input file for everything asked of it before the analysis: the head that
// tells its kind and host name, its mtime, and its bytes. A small regular file is read whole and
// its bytes handed to the readers (a gzip boot log excepted: the streamed reader reads it again);
// a FIFO or a pipe (`batch <(ssh host dmesg -r)` hands over /dev/fd/N) can be read only once, in
// order, so its head and then the rest come from this one descriptor; anything else (a big file,
// a device such as /dev/kmsg) is left to the streamed readers, by path, as `analyse` reads it.
import {closeSync, fstatSync, readSync} from 'node:fs'
import {describeOpenError, openFileSync} from '../readers/bootlog/source.js'
import {readSmallRegular} from '../readers/small-file.js'
import {HEAD_BYTES, headText} from './sniff.js'

export interface Opened {
  head: string
  mtime: string
  /** A small regular file (readSmallRegular): all of it. */
  bytes?: Buffer
  /** A FIFO or a pipe: its bytes from the first on (the head's included), to be read once. */
  piped?: AsyncIterable<Buffer>
  /** Lets a piped input go (again: nothing); nothing to do for the others. */
  close(): void
}

const nothing = (): void => {}

/**
 * Opens `path` (an InputError naming it when it cannot be opened or read); small: at most `max`
 * bytes. Opening a FIFO waits for its writer, in the open itself: a worker waiting there cannot be
 * stopped (nor could it on a pool thread: a worker ends only once its requests have), so a first
 * Ctrl-C says so and a second quits (run.ts).
 */
export async function openInput(path: string, max: number): Promise<Opened> {
  const fd = openFileSync(path)
  let handedOver = false
  try {
    const st = fstatSync(fd)
    const mtime = st.mtime.toISOString()
    const bytes = readSmallRegular(fd, st, max)
    if (bytes !== undefined) return {head: headText(bytes.subarray(0, HEAD_BYTES)), mtime, bytes, close: nothing}
    if (!st.isFIFO()) return {head: headText(readAt0(fd)), mtime, close: nothing}
    const socket = await pipeSocket(fd)
    handedOver = true
    return await openPipe(socket, mtime)
  } catch (e) {
    throw describeOpenError(path, e)
  } finally {
    if (!handedOver) closeSync(fd)
  }
}

/** The first HEAD_BYTES of a file that can be read at an offset. */
function readAt0(fd: number): Buffer {
  const buf = Buffer.alloc(HEAD_BYTES)
  return buf.subarray(0, readSync(fd, buf, 0, HEAD_BYTES, 0))
}

/**
 * A pipe read through a net.Socket: non-blocking, watched by the event loop, so a writer that
 * stays open blocks neither the worker (Ctrl-C still stops it) nor a thread of libuv's pool, and
 * destroy() lets it go at once when the reader stops early (a blocking read in flight could not
 * be taken back). The socket owns the descriptor once made.
 */
async function pipeSocket(fd: number): Promise<import('node:net').Socket> {
  const {Socket} = await import('node:net')
  return new Socket({fd, readable: true, writable: false})
}

async function openPipe(socket: import('node:net').Socket, mtime: string): Promise<Opened> {
  const close = (): void => void socket.destroy()
  try {
    const it = socket[Symbol.asyncIterator]() as AsyncIterator<Buffer>
    const head: Buffer[] = []
    let got = 0
    let ended = false
    // A writer gives what it has written so far: read on until the head is full or the pipe ends.
    while (got < HEAD_BYTES && !ended) {
      const r = await it.next()
      ended = r.done === true
      if (!r.done) {
        head.push(r.value)
        got += r.value.length
      }
    }
    const first = Buffer.concat(head, got)
    return {head: headText(first.subarray(0, HEAD_BYTES)), mtime, piped: rest(first, ended ? undefined : it, close), close}
  } catch (e) {
    close()
    throw e
  }
}

/**
 * The head already read, then the rest of the pipe. Not a generator: a generator's return() waits
 * for the read it is suspended in, and a reader that reads ahead (gzip) and then stops early would
 * wait for a writer that may never write again; here return() lets the pipe go at once, and the
 * read in flight ends with it.
 */
function rest(first: Buffer, it: AsyncIterator<Buffer> | undefined, close: () => void): AsyncIterable<Buffer> {
  let pending: Buffer | undefined = first.length > 0 ? first : undefined
  let finished = false
  const done = (): IteratorResult<Buffer> => {
    finished = true
    close()
    return {done: true, value: undefined}
  }
  const iterator: AsyncIterator<Buffer> = {
    async next() {
      if (finished) return {done: true, value: undefined}
      if (pending !== undefined) {
        const value = pending
        pending = undefined
        return {done: false, value}
      }
      if (it === undefined) return done()
      try {
        const r = await it.next()
        return finished || r.done ? done() : r
      } catch (e) {
        if (finished) return {done: true, value: undefined}
        done()
        throw e
      }
    },
    async return() {
      return done()
    },
  }
  return {[Symbol.asyncIterator]: () => iterator}
}
