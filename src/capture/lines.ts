// Shared line streaming for the capture readers: bytes → UTF-8 text → lines, with LF, CRLF and
// lone-CR line ends (serial consoles send CRLF; some terminals and firmware send bare CR).
// Built for the hot path: one native indexOf per line, no per-line regex, bounded memory.
import {StringDecoder} from 'node:string_decoder'

/** Longest line kept, in UTF-16 units; the rest of a longer line is dropped (and counted). */
export const DEFAULT_MAX_LINE = 1 << 20

/**
 * Bytes → text. Invalid UTF-8 becomes U+FFFD (StringDecoder never throws, and keeps multi-byte
 * characters split across chunks intact). NUL bytes are dropped: serial lines pad with them and
 * they carry no text.
 */
export class TextChunker {
  private readonly decoder = new StringDecoder('utf8')

  write(chunk: Buffer): string {
    return stripNul(this.decoder.write(chunk))
  }

  end(): string {
    return stripNul(this.decoder.end())
  }
}

function stripNul(s: string): string {
  return s.indexOf('\0') === -1 ? s : s.replaceAll('\0', '')
}

/**
 * Splits pushed text into lines without their terminators. A final line without a terminator
 * (a log cut mid-line) is emitted by end(). Lines longer than maxLine are cut at maxLine.
 */
export class LineSplitter {
  /** Lines emitted so far. */
  lines = 0
  /** Lines that were cut at maxLine. */
  truncated = 0
  /** Whether any CR line end was seen (a serial console hint). */
  sawCR = false
  private partial = ''
  private partialTooLong = false
  private pendingCR = false

  constructor(
    private readonly onLine: (line: string, lineNo: number) => void,
    private readonly maxLine = DEFAULT_MAX_LINE,
  ) {}

  push(text: string): void {
    if (text.length === 0) return
    let pos = 0
    // A CRLF split across two chunks: the LF belongs to the CR already consumed.
    if (this.pendingCR) {
      this.pendingCR = false
      if (text.charCodeAt(0) === 10) pos = 1
    }
    const hasCR = text.indexOf('\r', pos) !== -1
    if (hasCR) this.sawCR = true
    const n = text.length
    while (pos < n) {
      let end = text.indexOf('\n', pos)
      let next: number
      if (hasCR) {
        const cr = text.indexOf('\r', pos)
        if (cr !== -1 && (end === -1 || cr < end)) {
          end = cr
          if (cr + 1 < n) next = text.charCodeAt(cr + 1) === 10 ? cr + 2 : cr + 1
          else {
            next = n
            this.pendingCR = true
          }
          this.take(text, pos, end)
          this.flush()
          pos = next
          continue
        }
      }
      if (end === -1) {
        this.take(text, pos, n)
        return
      }
      this.take(text, pos, end)
      this.flush()
      pos = end + 1
    }
  }

  end(): void {
    if (this.partial.length > 0 || this.partialTooLong) this.flush()
  }

  private take(text: string, from: number, to: number): void {
    if (this.partialTooLong) return
    const room = this.maxLine - this.partial.length
    if (to - from > room) {
      to = from + room
      this.partialTooLong = true
    }
    this.partial = this.partial.length === 0 ? text.slice(from, to) : this.partial + text.slice(from, to)
  }

  private flush(): void {
    const line = this.partial
    if (this.partialTooLong) this.truncated++
    this.partial = ''
    this.partialTooLong = false
    this.lines++
    this.onLine(line, this.lines)
  }
}

/** Every line of a string (same rules as LineSplitter). */
export function splitLines(text: string, maxLine = DEFAULT_MAX_LINE): string[] {
  const out: string[] = []
  const s = new LineSplitter((l) => out.push(l), maxLine)
  s.push(text)
  s.end()
  return out
}
