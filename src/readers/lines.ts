// Shared line streaming for the capture readers: bytes → UTF-8 text → lines, with LF, CRLF and
// lone-CR line ends (serial consoles send CRLF; some terminals and firmware send bare CR).
// Built for the hot path: one native indexOf per line, no per-line regex, bounded memory.
import {isAscii} from 'node:buffer'
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

/**
 * A UTF-8 byte order mark (U+FEFF: editors, some Windows tools) at the start of an input is no
 * part of its first line. Every reader strips it here: the line splitters, the allocinfo scanner,
 * diff's sniffing.
 */
export function stripBom(s: string): string {
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s
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
    let line = this.partial
    if (this.lines === 0) line = stripBom(line)
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

/**
 * The same rules on bytes, for files and stdin. maxLine counts bytes here. A chunk that is all
 * ASCII (nearly every kernel log) is decoded once and its lines are slices of that string (byte
 * offsets are character offsets); other chunks decode each line on its own (LF and CR bytes never
 * occur inside a UTF-8 sequence). A slice keeps its chunk's string alive: a consumer that holds on
 * to a few lines of a big log should copy them (see detach()).
 */
const PIECE = 64 * 1024

export class ByteLineSplitter {
  lines = 0
  truncated = 0
  sawCR = false
  private parts: Buffer[] = []
  private partLen = 0
  private partTooLong = false
  private pendingCR = false

  constructor(
    /** `plain`: the line holds no ESC (and no NUL): a reader may skip looking for them. */
    private readonly onLine: (line: string, lineNo: number, plain?: boolean) => void,
    private readonly maxLine = DEFAULT_MAX_LINE,
  ) {}

  push(buf: Buffer): void {
    // Big reads are split in pieces: one piece's string stays a small V8 heap string that dies
    // young, rather than a 1 MiB external one (measured ~1.2x on a 100 MiB dmesg).
    for (let o = 0; o < buf.length; o += PIECE) this.pushPiece(o === 0 && buf.length <= PIECE ? buf : buf.subarray(o, Math.min(o + PIECE, buf.length)))
  }

  private pushPiece(buf: Buffer): void {
    const n = buf.length
    if (n === 0) return
    let pos = 0
    if (this.pendingCR) {
      pos = afterCR(buf, 0)
      if (pos === -1) return
      this.pendingCR = false
    }
    // ASCII decodes the same as latin1 and UTF-8, one character per byte.
    const text = isAscii(buf) ? buf.toString('latin1', 0, n) : undefined
    // NUL and ESC looked for once per piece (memchr), not along every line: most logs hold neither
    // (the two per-line scans took 70-155 ms of the reader thread's ~1 s on the 100 MiB bench log).
    const plain = buf.indexOf(0, pos) === -1 && buf.indexOf(27, pos) === -1
    // Next LF / CR at or after pos (n when none), cached so that no byte is searched twice.
    let lf = -1
    let cr = buf.indexOf(13, pos)
    if (cr === -1) cr = n
    else this.sawCR = true
    while (pos < n) {
      if (lf < pos) {
        lf = buf.indexOf(10, pos)
        if (lf === -1) lf = n
      }
      if (cr < pos) {
        cr = buf.indexOf(13, pos)
        if (cr === -1) cr = n
      }
      const end = cr < lf ? cr : lf
      if (end === n) {
        this.keep(buf, pos, n)
        return
      }
      let next = end + 1
      if (end === cr) {
        next = afterCR(buf, next)
        if (next === -1) {
          next = n
          this.pendingCR = true
        }
      }
      this.emit(buf, pos, end, text, plain)
      pos = next
    }
  }

  end(): void {
    // A last, unterminated run of NULs is no line (the text path drops NULs before splitting).
    if (!this.partTooLong && this.parts.every((p) => p.every((b) => b === 0))) return
    this.emit(Buffer.alloc(0), 0, 0)
  }

  private keep(buf: Buffer, from: number, to: number): void {
    if (this.partTooLong) return
    const room = this.maxLine - this.partLen
    if (to - from > room) {
      to = from + room
      this.partTooLong = true
    }
    // Copy: the caller may reuse its buffer.
    this.parts.push(Buffer.from(buf.subarray(from, to)))
    this.partLen += to - from
  }

  /** @param plain the piece holds no NUL and no ESC byte (said of the line when it lies within the piece). */
  private emit(buf: Buffer, from: number, to: number, text?: string, plain = false): void {
    let line: string
    if (this.partLen === 0 && !this.partTooLong) {
      if (to - from > this.maxLine) {
        to = from + this.maxLine
        this.truncated++
      }
      line = text !== undefined ? text.slice(from, to) : buf.toString('utf8', from, to)
    } else {
      this.keep(buf, from, to)
      if (this.partTooLong) this.truncated++
      line = Buffer.concat(this.parts, this.partLen).toString('utf8')
      plain = false
      this.parts = []
      this.partLen = 0
      this.partTooLong = false
    }
    // After decoding, as TextChunker does: a NUL between two bytes must not join them into one character.
    if (!plain && line.indexOf('\0') !== -1) line = line.replaceAll('\0', '')
    if (this.lines === 0) line = stripBom(line)
    this.lines++
    this.onLine(line, this.lines, plain)
  }
}

/**
 * A copy of s that shares no memory with the string it was sliced from (V8 keeps a slice's whole
 * parent alive): for the few lines a consumer keeps from a big log (findings, facts, skipped lines).
 */
export function detach(s: string): string {
  // V8 flattens the concatenation into a new string before slicing it: the slice's parent is that
  // copy, one character longer. 5x cheaper than structuredClone(s) (8-11 ms against 37-106 for
  // 200 000 slices); both let the parent go (test/readers/detach.test.ts). Under 13 characters a
  // slice is a copy already.
  return s.length < 13 ? s : (' ' + s).slice(1)
}

/**
 * A deep copy of plain data (objects, arrays, primitives) whose strings are detached: what a
 * finding needs to outlive the chunk its strings were sliced from. structuredClone did it at ~3×
 * the cost (the peer logs' 528 findings copied 20 times: 268-272 ms against 81-92, warm); batch
 * of 10 000 inputs 5.51 -> 5.14 s median (3 interleaved runs). Not kept: which objects were shared (a splat's
 * guilty frame is also one of its frames; each becomes its own copy) and anything but plain
 * objects and arrays (no Map, Set or Date is in a finding). No cycles.
 */
export function detachDeep<T>(v: T): T {
  if (typeof v === 'string') return detach(v) as T
  if (typeof v !== 'object' || v === null) return v
  if (Array.isArray(v)) return v.map(detachDeep) as T
  const out: Record<string, unknown> = {}
  for (const k of Object.keys(v)) {
    const x = detachDeep((v as Record<string, unknown>)[k])
    // An own "__proto__" key (JSON can hold one) stays a key: assigned, it would set the prototype.
    if (k === '__proto__') Object.defineProperty(out, k, {value: x, enumerable: true, writable: true, configurable: true})
    else out[k] = x
  }
  return out as T
}

/**
 * Where the line after a CR at from-1 starts: past an LF (CRLF), and past the NUL fill a
 * teletype sends after CR (`\r\0\n` is one line end, as it is once the text path drops NULs).
 * Returns -1 when the chunk ends before that is known.
 */
function afterCR(buf: Buffer, from: number): number {
  let i = from
  while (i < buf.length && buf[i] === 0) i++
  if (i === buf.length) return -1
  return buf[i] === 10 ? i + 1 : from
}
