// A small regular file read whole, for the readers that scan text faster in one piece than
// streamed (allocinfo.ts, batch's run-task.ts, which reads from a descriptor it has open). One rule
// for both (isSmallRegular): what counts as small is each caller's, anything that is not a regular
// file (a FIFO, a device, /dev/stdin) is theirs to stream.
// No other import: the allocinfo command's start-up is measured against `node -e 0`.
import {readFileSync, statSync, type Stats} from 'node:fs'

/** Read whole: a regular file of at most `max` bytes (size 0 too: procfs files say 0 and are read to their end). */
export const isSmallRegular = (st: Stats, max: number): boolean => st.isFile() && st.size <= max

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
  return isSmallRegular(st, max) ? readFileSync(path) : undefined
}
