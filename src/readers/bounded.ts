// Whole-file reads of user input that the code after them needs in one piece (a capture's boot log
// for calibrate, a capture's meta.json, a prediction's JSON): at most `max` bytes read, and a gzip
// file inflated to at most `max` bytes, or one line naming the file and what was expected. A device,
// a FIFO or a gzip bomb then costs `max`, not the machine (issue 14). Streamed readers need none of this.
import {closeSync, openSync, readSync} from 'node:fs'
import {gunzipSync} from 'node:zlib'
import {InputError, ioReason} from '../errors.js'
import {isGzip} from './gzip.js'

const MiB = 2 ** 20
const sizeText = (n: number) => (n >= MiB ? `${n / MiB} MiB` : `${n} bytes`)

/**
 * Up to max + 1 bytes of a path, read through one descriptor (a pipe or /dev/fd/N is read once).
 * The buffer starts small and doubles: `record` reads /proc/allocinfo (~0.5 MiB, size 0 to stat)
 * every few seconds, and a max + 1 buffer each time (32 MiB) made each sample cost GC work
 * (24 ms of CPU instead of 13).
 */
function readUpTo(path: string, max: number): Buffer {
  const fd = openSync(path, 'r')
  try {
    let buf = Buffer.allocUnsafe(Math.min(max + 1, 256 * 1024))
    let got = 0
    for (;;) {
      if (got === buf.length) {
        if (buf.length > max) break
        const bigger = Buffer.allocUnsafe(Math.min(max + 1, buf.length * 2))
        buf.copy(bigger, 0, 0, got)
        buf = bigger
      }
      const n = readSync(fd, buf, got, buf.length - got, null)
      if (n === 0) break
      got += n
    }
    return buf.subarray(0, got)
  } finally {
    closeSync(fd)
  }
}

export interface BoundedRead {
  /** The file messages name (the user's path when `path` is a copy of a pipe); default `path`. */
  name?: string
  /** Inflate bytes that start with the gzip magic (default true). */
  gzip?: boolean
}

/**
 * A file's bytes, gunzipped when they start with the gzip magic; InputError when it cannot be read,
 * holds more than `max` bytes, or inflates to more. `expected` ends each message ("a boot log").
 */
export function readBoundedFile(path: string, max: number, expected: string, o: BoundedRead = {}): Buffer {
  const name = o.name ?? path
  let raw: Buffer
  try {
    raw = readUpTo(path, max)
  } catch (e) {
    throw new InputError(`${name}: cannot read (${ioReason(e)}); expected ${expected}`, name)
  }
  if (raw.length > max) throw new InputError(`${name}: more than ${sizeText(max)}; expected ${expected} (at most ${sizeText(max)})`, name)
  if (o.gzip === false || !isGzip(raw)) return raw
  try {
    return gunzipSync(raw, {maxOutputLength: max})
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new InputError(`${name}: inflates to more than ${sizeText(max)} (a gzip bomb?); expected ${expected} (at most ${sizeText(max)})`, name)
    }
    throw new InputError(`${name}: not valid gzip (${(e as Error).message}); expected ${expected}, plain or gzip`, name)
  }
}
