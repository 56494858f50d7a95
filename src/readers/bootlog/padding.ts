// Padding in a boot log: NUL bytes (a log file after a power cut, a sparse file, a serial line's
// fill) and, before the first text, whole reads of nothing but blank lines. Neither is held in
// memory nor fed to a line splitter (a 1 MiB run of NULs at the start of a line used to count
// against the line limit and cut the record after it): NULs are dropped from the byte stream and
// every dropped range is counted — but for one NUL of a run inside a UTF-8 character (NulCounter.drop);
// a leading read that is only padding is counted and let go.
import type {InputPadding} from '../../types.js'

/** Dropped NUL ranges kept with their offsets; the rest are only counted. */
export const MAX_RANGES = 16
const ZEROS = Buffer.alloc(1 << 20)

export class NulCounter {
  ranges = 0
  bytes = 0
  first: Array<{offset: number; bytes: number}> = []
  /** Offset in the decompressed stream of the next byte. */
  private at = 0
  /** A run that reached the end of the last chunk goes on at its start. */
  private open = false
  /** The last byte of the last chunk (-1 before any). */
  private last = -1

  /**
   * The chunk without its NUL bytes (the chunk itself when it has none) — but for one NUL kept
   * where a run lies between a byte of a multi-byte character and a continuation byte (or the
   * chunk's end, where the next byte is not known): dropped, the run would join the two into one
   * character, where the text read whole (decoded, then its NULs taken out: index.ts, lines.ts) has
   * two U+FFFD. Anywhere else the decoder ends the character the same with or without a NUL, so
   * none is kept (a kept NUL counts against the line limit). The line splitter takes it out after
   * decoding, as it does any NUL; the run is counted whole.
   */
  drop(buf: Buffer): Buffer {
    const base = this.at
    this.at += buf.length
    let z = buf.indexOf(0)
    if (z === -1) {
      this.open = false
      this.last = buf.length > 0 ? buf[buf.length - 1]! : this.last
      return buf
    }
    const keep: Buffer[] = []
    let from = 0
    while (z !== -1) {
      if (z > from) {
        keep.push(buf.subarray(from, z))
        this.open = false
      }
      let end = z
      while (end < buf.length && buf[end] === 0) end++
      if (!this.open && (z > 0 ? buf[z - 1]! : this.last) >= 0x80 && (end === buf.length || (buf[end]! & 0xc0) === 0x80)) keep.push(buf.subarray(z, z + 1))
      this.run(base + z, end - z)
      from = end
      z = end < buf.length ? buf.indexOf(0, end) : -1
    }
    if (from < buf.length) {
      keep.push(buf.subarray(from))
      this.open = false
    }
    if (buf.length > 0) this.last = buf[buf.length - 1]!
    return keep.length === 0 ? buf.subarray(0, 0) : keep.length === 1 ? keep[0]! : Buffer.concat(keep)
  }

  /** Bytes let go before this counter saw them (leading padding). */
  skip(n: number): void {
    this.at += n
  }

  private run(offset: number, n: number): void {
    this.bytes += n
    if (this.open) {
      // The same run as at the end of the last chunk.
      if (this.first.length === this.ranges) this.first[this.first.length - 1]!.bytes += n
    } else {
      this.ranges++
      if (this.first.length < MAX_RANGES) this.first.push({offset, bytes: n})
    }
    this.open = true
  }
}

/**
 * Whether a read holds nothing but padding (NUL, CR, blank lines), and then how many lines it
 * ends (LF ends one, as lines.ts numbers them: a CR is no line end) and how many of its bytes are NUL.
 */
export function paddingLines(buf: Buffer): {lines: number; nul: number} | undefined {
  if (buf.length <= ZEROS.length && buf.equals(ZEROS.subarray(0, buf.length))) return {lines: 0, nul: buf.length}
  let lines = 0
  let nul = 0
  // Blanks since the last line end: at the end of the read they may begin the first line's text
  // (` SUBSYSTEM=pci` read one byte first), so such a read is no padding.
  let blanks = 0
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i]!
    if (c === 0) nul++
    else if (c === 10 || c === 13) {
      // Blanks before a CR are a piece of their own (lines.ts), no indent of the text after it.
      if (c === 10) lines++
      blanks = 0
    } else if (c === 32 || c === 9) blanks++
    else return undefined
  }
  return blanks > 0 ? undefined : {lines, nul}
}

export function paddingSummary(nul: NulCounter, leading: {bytes: number; lines: number}): InputPadding | undefined {
  if (nul.bytes === 0 && leading.bytes === 0) return undefined
  const p: InputPadding = {}
  if (nul.bytes > 0) p.nul = {ranges: nul.ranges, bytes: nul.bytes, first: nul.first.map((r) => ({...r}))}
  if (leading.bytes > 0) p.leading = {...leading}
  return p
}
