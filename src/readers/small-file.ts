// A small regular file read whole, for the readers that scan text faster in one piece than
// streamed (allocinfo.ts, batch's run-task.ts). One rule for both: what counts as small is each
// caller's, anything that is not a regular file (a FIFO, a device, /dev/stdin) is theirs to stream.
// No other import: the allocinfo command's start-up is measured against `node -e 0`.
import {readFileSync, statSync} from 'node:fs'

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
  return st.isFile() && st.size <= max ? readFileSync(path) : undefined
}
