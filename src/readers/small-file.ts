// A small regular file read whole, for the readers that scan text faster in one piece than
// streamed (allocinfo.ts; batch's open-input.ts, from a descriptor it has open). One rule for both
// (readSmallRegular): what counts as small is each caller's, anything that is not a regular file
// (a FIFO, a device, /dev/stdin) is theirs to stream.
// No other import: the allocinfo command's start-up is measured against `node -e 0`.
import {closeSync, openSync, readFileSync, readSync, statSync, type Stats} from 'node:fs'

/**
 * The bytes of an open file when it is a regular file of at most `max` bytes; undefined when it is
 * not (the caller streams it). A file whose size says 0 (procfs, some FUSE files) is read up to
 * `max` + 1 bytes: small when that is all it holds, else left to the streamed reader (which opens
 * it again: such files are generated on each read). A read error is thrown as is.
 */
export function readSmallRegular(fd: number, st: Stats, max: number): Buffer | undefined {
  if (!st.isFile() || st.size > max) return undefined
  if (st.size > 0) return readFileSync(fd)
  const buf = Buffer.allocUnsafe(Math.min(max + 1, 64 * 1024))
  const parts: Buffer[] = []
  let got = 0
  for (let n = readSync(fd, buf, 0, buf.length, null); n > 0; n = readSync(fd, buf, 0, buf.length, null)) {
    parts.push(Buffer.from(buf.subarray(0, n)))
    got += n
    if (got > max) return undefined
  }
  return Buffer.concat(parts, got)
}

/**
 * The bytes of `path` when it is a regular file of at most `max` bytes; undefined when it is not
 * (or cannot be stat'ed: the streamed reader names the problem). A read error is thrown as is.
 */
export function smallRegularFile(path: string, max: number): Buffer | undefined {
  if (path === '-') return undefined
  let st
  try {
    st = statSync(path)
  } catch {
    return undefined
  }
  // Opened only once stat says regular: opening a FIFO would wait for its writer here.
  if (!st.isFile() || st.size > max) return undefined
  const fd = openSync(path, 'r')
  try {
    return readSmallRegular(fd, st, max)
  } finally {
    closeSync(fd)
  }
}
