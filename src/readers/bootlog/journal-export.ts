// `journalctl -k -o export` (what systemd-journal-remote and systemd-journal-upload ship):
// entries separated by a blank line, one field per line, `FIELD=value` for text and
// `FIELD\n<64-bit little-endian length><bytes>\n` for values with control bytes or invalid UTF-8
// (systemd's docs/JOURNAL_EXPORT_FORMATS.md). Read as bytes: a binary value may hold any byte,
// newlines and NULs included. Line numbers are grep -n's: every LF ends a line, those inside a
// binary value and its length included (journalctl writes a multi-line MESSAGE so), and
// record.line points at the entry's first field. An entry ends at its blank line: one the input
// ends before is cut (systemd-journal-remote drops it too), however much of it was read.
import type {LogRecord} from '../../types.js'
import type {FormatReader, ReadContext} from './engine.js'
import {BOOT_ID, REASON} from './text-formats.js'

export const EXPORT_REASON = {
  badField: 'not a journal export field',
  noMessage: 'journal entry without MESSAGE',
  tooLarge: 'journal field larger than the line limit',
  cut: 'journal entry cut off at the end of the input',
} as const

/** The fields a record is built from; the rest of an entry is only counted. */
const WANTED = new Set(['MESSAGE', '_TRANSPORT', 'PRIORITY', 'SYSLOG_FACILITY', '_SOURCE_MONOTONIC_TIMESTAMP', '__MONOTONIC_TIMESTAMP', '_BOOT_ID'])
const FIELD_NAME = /^[A-Z0-9_]{1,64}$/
const NL = 10

type State = {at: 'line'} | {at: 'size'; name: string} | {at: 'value'; name: string; left: number; keep: boolean} | {at: 'lf'}

/**
 * The value of the first `NAME=value` line of field `name` in export text, as fieldLine reads such
 * a line (a CR before its LF is not the value's; a binary field is not looked at): batch's host name
 * from `_HOSTNAME` (hostname.ts). A line with no LF after it (cut by the end of a head) is not read.
 */
export function exportTextField(text: string, name: string): string | undefined {
  const key = `${name}=`
  const at = text.startsWith(key) ? 0 : text.indexOf(`\n${key}`) + 1
  if (at === 0 && !text.startsWith(key)) return undefined
  const lf = text.indexOf('\n', at)
  if (lf === -1) return undefined
  const v = text.slice(at + key.length, text.charCodeAt(lf - 1) === 13 ? lf - 1 : lf)
  return v ? v : undefined
}

export class JournalExportReader implements FormatReader {
  private state: State = {at: 'line'}
  /** Bytes of the line, size or value being read, across chunks. */
  private part: Buffer[] = []
  private partLen = 0
  private partTooLong = false
  private no = 0
  private cut = 0
  private fields = new Map<string, string>()
  private entryFirst = 0
  private entryLines = 0
  private entryBad = false
  /** In a binary field: bytes were read since the last LF (a line the input may end in). */
  private midLine = false

  constructor(private readonly ctx: ReadContext) {}

  push(text: string): void {
    this.pushBytes(Buffer.from(text, 'utf8'))
  }

  pushBytes(buf: Buffer): void {
    let pos = 0
    while (pos < buf.length) pos = this.step(buf, pos)
  }

  end(): void {
    if (this.state.at === 'line' && this.partLen > 0) this.fieldLine(this.take())
    else if (this.state.at !== 'line' && this.midLine) this.newLines(1)
    // No blank line after it: the entry was cut at the end of the input (a MESSAGE cut mid-line
    // is no whole message).
    if (this.entryLines > 0) this.finishEntry(EXPORT_REASON.cut)
  }

  lines(): number {
    return this.no
  }

  skipLeading(n: number): void {
    this.no += n
  }

  truncated(): number {
    return this.cut
  }

  /** Reads from pos in the current state; returns where the next step starts. */
  private step(buf: Buffer, pos: number): number {
    const s = this.state
    if (s.at === 'line') {
      const lf = buf.indexOf(NL, pos)
      this.gather(buf, pos, lf === -1 ? buf.length : lf, this.ctx.maxLine)
      if (lf === -1) return buf.length
      this.fieldLine(this.take())
      return lf + 1
    }
    if (s.at === 'size') {
      const end = Math.min(buf.length, pos + 8 - this.partLen)
      this.binaryBytes(buf, pos, end)
      this.gather(buf, pos, end, 8)
      if (this.partLen === 8) {
        const size = this.take().readBigUInt64LE(0)
        const keep = size <= BigInt(this.ctx.maxLine)
        if (!keep) this.cut++
        // A length past what a buffer can hold is damage: read on until the input ends.
        this.state = {at: 'value', name: s.name, left: size > BigInt(Number.MAX_SAFE_INTEGER) ? Infinity : Number(size), keep}
      }
      return end
    }
    if (s.at === 'value') {
      const end = Math.min(buf.length, pos + Math.min(s.left, buf.length))
      this.binaryBytes(buf, pos, end)
      if (s.keep) this.gather(buf, pos, end, Infinity)
      s.left -= end - pos
      if (s.left === 0) {
        const v = this.take()
        if (s.keep && WANTED.has(s.name)) this.fields.set(s.name, v.toString('utf8'))
        this.state = {at: 'lf'}
      }
      return end
    }
    // The newline after a binary value (without it, the line goes on and the next fieldLine ends it).
    this.state = {at: 'line'}
    if (buf[pos] !== NL) {
      this.entryBad = true
      return pos
    }
    this.newLines(1)
    return pos + 1
  }

  /** Bytes of a binary field's length or value: each LF among them ends a line, as for grep -n. */
  private binaryBytes(buf: Buffer, from: number, to: number): void {
    if (to <= from) return
    const bytes = buf.subarray(from, to)
    let n = 0
    for (let i = bytes.indexOf(NL); i !== -1; i = bytes.indexOf(NL, i + 1)) n++
    this.newLines(n)
    this.midLine = buf[to - 1] !== NL
  }

  /** Lines ended inside the current entry other than by fieldLine (inside or right after a binary field). */
  private newLines(n: number): void {
    this.no += n
    this.entryLines += n
    this.midLine = false
  }

  private gather(buf: Buffer, from: number, to: number, limit: number): void {
    if (this.partTooLong || to <= from) return
    if (this.partLen + (to - from) > limit) {
      to = from + (limit - this.partLen)
      this.partTooLong = true
    }
    this.part.push(Buffer.from(buf.subarray(from, to)))
    this.partLen += to - from
  }

  private take(): Buffer {
    const b = this.part.length === 1 ? this.part[0]! : Buffer.concat(this.part, this.partLen)
    this.part = []
    this.partLen = 0
    return b
  }

  /** One line in the `line` state: a blank separator, `NAME=value`, or a binary field's NAME. */
  private fieldLine(raw: Buffer): void {
    this.no++
    const tooLong = this.partTooLong
    this.partTooLong = false
    if (tooLong) this.cut++
    const len = raw.length > 0 && raw[raw.length - 1] === 13 ? raw.length - 1 : raw.length
    if (len === 0) {
      if (this.entryLines > 0) this.finishEntry(this.entryBad ? EXPORT_REASON.badField : undefined)
      this.ctx.sink.skip(this.no, REASON.empty)
      return
    }
    if (this.entryLines === 0) this.entryFirst = this.no
    this.entryLines++
    const eq = raw.indexOf(61 /* = */)
    const name = raw.toString('latin1', 0, eq === -1 ? Math.min(len, 80) : Math.min(eq, 80))
    if (!FIELD_NAME.test(name)) {
      this.entryBad = true
      return
    }
    if (eq === -1) {
      this.state = {at: 'size', name}
      this.midLine = false
    } else if (WANTED.has(name) && !tooLong) this.fields.set(name, raw.toString('utf8', eq + 1, len))
  }

  private finishEntry(damage: string | undefined): void {
    const first = this.entryFirst
    const n = this.entryLines
    const f = this.fields
    this.fields = new Map()
    this.entryLines = 0
    this.entryBad = false
    const transport = f.get('_TRANSPORT')
    const msg = f.get('MESSAGE')
    const reason = damage ?? (transport !== undefined && transport !== 'kernel' ? REASON.notKernel : msg === undefined ? EXPORT_REASON.noMessage : undefined)
    if (reason !== undefined || msg === undefined) {
      for (let l = first; l < first + n; l++) this.ctx.sink.skip(l, reason ?? EXPORT_REASON.noMessage, l === first ? msg : undefined)
      return
    }
    this.ctx.sink.record(exportRecord(first, msg, f), n)
  }
}

function exportRecord(line: number, msg: string, f: Map<string, string>): LogRecord {
  const r: LogRecord = {line, text: msg.endsWith('\n') ? msg.slice(0, -1) : msg}
  // The kernel's own stamp when journald kept it; __MONOTONIC_TIMESTAMP is when journald read it.
  const mono = f.get('_SOURCE_MONOTONIC_TIMESTAMP') ?? f.get('__MONOTONIC_TIMESTAMP')
  if (mono !== undefined && /^\d{1,20}$/.test(mono)) r.time = Number(mono) / 1e6
  const pri = f.get('PRIORITY')
  if (pri !== undefined && /^[0-7]$/.test(pri)) r.level = Number(pri)
  const fac = f.get('SYSLOG_FACILITY')
  if (fac !== undefined && /^\d{1,3}$/.test(fac)) r.facility = Number(fac)
  const boot = f.get('_BOOT_ID')
  if (boot !== undefined && BOOT_ID.test(boot)) r.boot = boot
  return r
}
