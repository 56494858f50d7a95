// Shared line streaming for the capture readers: bytes → UTF-8 text → lines, numbered as grep -n,
// sed -n, less and vim number them (LF ends a line; serial consoles send CRLF or CR CR LF; a bare CR
// inside a line, a progress bar redrawn in place, ends a piece but not the line: see LineNumbers).
// Built for the hot path: one native indexOf per line, no per-line regex, bounded memory.
import {isAscii} from 'node:buffer'
import {StringDecoder} from 'node:string_decoder'
import {put} from '../own.js'

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

/**
 * The CRs at a line's end belong to its line end, not its text: a serial console ends lines with
 * CR LF, or CR CR LF (a tty layer adding its CR to one already there), and a capture cut after a
 * CR ends with it. The line's text without them (all of them; a CR inside the line stays). The
 * splitters below apply the same rule by ending a piece at every CR; a reader that takes its
 * lines whole at LF (allocinfo's scanner, the lab's console readers) uses this.
 */
export function trimLineEndCR(line: string): string {
  let e = line.length
  while (e > 0 && line.charCodeAt(e - 1) === 13) e--
  return e === line.length ? line : line.slice(0, e)
}

/**
 * The lines of a text as LineNumbers numbers them (only LF ends a line: lines[i] is line i + 1,
 * and a text ending with LF has an empty last element, as String.split gives), each without its
 * line end's CRs (trimLineEndCR). Unlike splitLines, a bare CR inside a line does not split it.
 */
export function splitAtLF(text: string): string[] {
  return text.split('\n').map(trimLineEndCR)
}

function stripNul(s: string): string {
  return s.indexOf('\0') === -1 ? s : s.replaceAll('\0', '')
}

/**
 * Line numbering shared by both splitters. Only LF ends a line, so a line's number is the one
 * grep -n, sed -n, less and vim give it: CR LF, CR CR LF (a tty layer adding its CR to one already
 * there) and CR NUL LF end one line. A bare CR inside a line (a progress bar redrawn in place, a
 * log with CR-only line ends) is no line end for numbering; it does end a piece, handed out as a
 * line of its own under the line's number. Both pieces are kept rather than only the last (what a
 * console shows after the redraw): a kernel record before a CR must not be lost (README: "CR
 * inside a line"). Empty pieces are not handed out, but a line that is empty as a whole is, once.
 */
abstract class LineNumbers {
  /** Lines cut at maxLine. */
  truncated = 0
  /** Pieces a bare CR split off a line, beyond its first: handed out as lines of their own (recordLines + skipped counts them). */
  crSplits = 0
  /** Whether any CR was seen (a serial console hint). */
  sawCR = false
  /** Lines ended by LF (and lines skipped before the first text). */
  protected done = 0
  /** Whether a piece of the line after them was handed out. */
  protected open = false

  /** Lines so far (a last line without a newline counts once it holds text): the number of the last line handed out. */
  get lines(): number {
    return this.open ? this.done + 1 : this.done
  }

  /** The number of the line being read (the next byte's): a piece ended at a CR keeps it. */
  get current(): number {
    return this.done + 1
  }

  /** Lines counted but not read (blank padding before the first text): the next line is numbered after them. */
  skipLines(n: number): void {
    this.done += n
  }

  /** Whether no piece has been handed out yet (a byte order mark can only be there). */
  protected get atStart(): boolean {
    return this.done === 0 && !this.open
  }

  /**
   * A piece ends (at an LF when lineEnd, else at a CR or the input's end): the number to hand it
   * out with, or 0 when it is not handed out (empty, and not a whole empty line).
   */
  protected number(empty: boolean, lineEnd: boolean, cut: boolean): number {
    let no = 0
    if (!empty || cut || (lineEnd && !this.open)) {
      if (cut) this.truncated++
      if (this.open) this.crSplits++
      this.open = true
      no = this.done + 1
    }
    if (lineEnd) {
      this.done++
      this.open = false
    }
    return no
  }
}

/**
 * Splits pushed text into lines without their terminators (see LineNumbers for CR). A final line
 * without a terminator (a log cut mid-line) is emitted by end(). Lines longer than maxLine are cut
 * at maxLine.
 */
export class LineSplitter extends LineNumbers {
  private partial = ''
  private partialTooLong = false

  constructor(
    private readonly onLine: (line: string, lineNo: number) => void,
    private readonly maxLine = DEFAULT_MAX_LINE,
  ) {
    super()
  }

  push(text: string): void {
    const n = text.length
    let pos = 0
    // Next LF / CR at or after pos (n when none), cached so that no character is searched twice.
    let lf = -1
    let cr = text.indexOf('\r')
    if (cr === -1) cr = n
    else this.sawCR = true
    while (pos < n) {
      if (lf < pos) {
        lf = text.indexOf('\n', pos)
        if (lf === -1) lf = n
      }
      if (cr < pos) {
        cr = text.indexOf('\r', pos)
        if (cr === -1) cr = n
      }
      const end = cr < lf ? cr : lf
      this.take(text, pos, end)
      if (end === n) return
      this.flush(end === lf)
      pos = end + 1
    }
  }

  end(): void {
    this.flush(false)
  }

  private take(text: string, from: number, to: number): void {
    if (this.partialTooLong || from === to) return
    const room = this.maxLine - this.partial.length
    if (to - from > room) {
      to = from + room
      this.partialTooLong = true
    }
    this.partial = this.partial.length === 0 ? text.slice(from, to) : this.partial + text.slice(from, to)
  }

  private flush(lineEnd: boolean): void {
    let line = this.partial
    const cut = this.partialTooLong
    if (this.atStart) line = stripBom(line)
    this.partial = ''
    this.partialTooLong = false
    const no = this.number(line.length === 0, lineEnd, cut)
    if (no !== 0) this.onLine(line, no)
  }
}

/** Every line of a string (same rules as LineSplitter: the pieces of a line a bare CR splits are lines here). */
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

export class ByteLineSplitter extends LineNumbers {
  private parts: Buffer[] = []
  private partLen = 0
  private partTooLong = false

  constructor(
    /** `plain`: the line holds no ESC (and no NUL): a reader may skip looking for them. */
    private readonly onLine: (line: string, lineNo: number, plain?: boolean) => void,
    private readonly maxLine = DEFAULT_MAX_LINE,
  ) {
    super()
  }

  push(buf: Buffer): void {
    // Big reads are split in pieces: one piece's string stays a small V8 heap string that dies
    // young, rather than a 1 MiB external one (measured ~1.2x on a 100 MiB dmesg).
    for (let o = 0; o < buf.length; o += PIECE) this.pushPiece(o === 0 && buf.length <= PIECE ? buf : buf.subarray(o, Math.min(o + PIECE, buf.length)))
  }

  private pushPiece(buf: Buffer): void {
    const n = buf.length
    if (n === 0) return
    let pos = 0
    // ASCII decodes the same as latin1 and UTF-8, one character per byte.
    const text = isAscii(buf) ? buf.toString('latin1', 0, n) : undefined
    // NUL and ESC looked for once per piece (memchr), not along every line: most logs hold neither
    // (the two per-line scans took 70-155 ms of the reader thread's ~1 s on the 100 MiB bench log).
    const plain = buf.indexOf(0) === -1 && buf.indexOf(27) === -1
    // Next LF / CR at or after pos (n when none), cached so that no byte is searched twice.
    let lf = -1
    let cr = buf.indexOf(13)
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
      // CR LF and CR CR LF (a serial console's every line) in one step: one emit per line, as for LF
      // (two, the CR's piece then the LF's empty one, cost ~15 % on a 70 MB CR LF log).
      let next = end + 1
      if (end === cr) while (next < n && buf[next] === 13) next++
      const crlf = end === cr && next < n && buf[next] === 10
      this.emit(buf, pos, end, end === lf || crlf, text, plain)
      pos = crlf ? next + 1 : end + 1
    }
  }

  end(): void {
    this.emit(EMPTY, 0, 0, false)
  }

  private keep(buf: Buffer, from: number, to: number): void {
    if (this.partTooLong || from === to) return
    const room = this.maxLine - this.partLen
    if (to - from > room) {
      to = from + room
      this.partTooLong = true
    }
    // Copy: the caller may reuse its buffer.
    this.parts.push(Buffer.from(buf.subarray(from, to)))
    this.partLen += to - from
  }

  /**
   * The piece from..to ends (lineEnd: at an LF; else at a CR or the input's end).
   * @param plain the chunk holds no NUL and no ESC byte (said of the line when it lies within the chunk).
   */
  private emit(buf: Buffer, from: number, to: number, lineEnd: boolean, text?: string, plain = false): void {
    let line = ''
    let cut = false
    if (this.partLen === 0 && !this.partTooLong) {
      if (to - from > this.maxLine) {
        to = from + this.maxLine
        cut = true
      }
      if (from !== to) line = text !== undefined ? text.slice(from, to) : buf.toString('utf8', from, to)
    } else {
      this.keep(buf, from, to)
      cut = this.partTooLong
      line = Buffer.concat(this.parts, this.partLen).toString('utf8')
      plain = false
      this.parts = []
      this.partLen = 0
      this.partTooLong = false
    }
    // After decoding, as TextChunker does: a NUL between two bytes must not join them into one character.
    if (!plain && line.indexOf('\0') !== -1) line = line.replaceAll('\0', '')
    if (this.atStart) line = stripBom(line)
    if (lineEnd && !this.open) {
      // The usual line, one piece ended by LF: numbered here (the hot path; number() does the same).
      if (cut) this.truncated++
      this.onLine(line, ++this.done, plain)
      return
    }
    const no = this.number(line.length === 0, lineEnd, cut)
    if (no !== 0) this.onLine(line, no, plain)
  }
}

const EMPTY = Buffer.alloc(0)

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
  // An own "__proto__" key (JSON can hold one) stays a key: assigned, it would set the prototype.
  for (const k of Object.keys(v)) put(out, k, detachDeep((v as Record<string, unknown>)[k]))
  return out as T
}
