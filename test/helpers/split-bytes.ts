// Feeding a byte buffer to ByteLineSplitter in pieces cut at the given offsets (as reads of a file
// or a pipe would), for the property tests of the byte and text line splitters.
import {ByteLineSplitter} from '../../src/readers/lines.js'

export function splitBytesAt(bytes: Buffer, cuts: readonly number[], maxLine = 1 << 20): string[] {
  const got: string[] = []
  const s = new ByteLineSplitter((l) => got.push(l), maxLine)
  let at = 0
  for (const c of [...cuts].sort((a, b) => a - b).map((c) => Math.min(c, bytes.length))) {
    s.push(bytes.subarray(at, Math.max(at, c)))
    at = Math.max(at, c)
  }
  s.push(bytes.subarray(at))
  s.end()
  return got
}
